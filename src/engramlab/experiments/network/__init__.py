"""Experiments of seed chapter 1: networks of spiking neurons (one package per experiment)."""
