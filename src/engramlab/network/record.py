"""What to record from a simulation, and how records become Dataset variables.

Recorder specifications (pass a list as ``record=`` to :func:`~engramlab.network.simulate`):

:class:`Spikes`
    spike times (ms) and local neuron indices of a population;
:class:`Rates`
    the population rate (Hz, mean over neurons) in bins of ``bin_ms``;
:class:`State`
    a state variable (``v`` in mV, ``w`` in pA for AdEx, ``m`` / ``h`` / ``n`` for HH, or
    a receptor's name for its conductance in nS / current in pA) of some neurons every
    ``every_ms``;
:class:`Weights`
    some synaptic weights of a projection every ``every_ms``;
:class:`STPState`
    the short-term plasticity variables ``u`` and ``x`` of some presynaptic neurons of
    a projection with STP every ``every_ms`` (the values a spike at that time would
    find, before its own jump: ``u`` relaxed, ``x`` recovered since the last spike).

Records are appended chunk by chunk to a sink: in memory, or, with
``stream_to=path``, to a NetCDF file on disk (unlimited dimensions) that the result is
then opened from lazily, so a long run never holds its records in memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from engramlab.core import ParameterError
from engramlab.network._compile import collector_paused

__all__ = ["Rates", "Recorder", "STPState", "Spikes", "State", "Weights"]


def index_list(field: str, values, n: int) -> np.ndarray:
    """``values`` as int indices in ``[0, n)`` (all of them for ``None``), else raise."""
    idx = np.arange(n) if values is None else np.asarray(values, dtype=np.int64).ravel()
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ParameterError(field, f"indices must lie in [0, {n})")
    return idx


class Recorder:
    """Base of the recorder specifications."""


@dataclasses.dataclass(frozen=True)
class Spikes(Recorder):
    """Spike times and neuron indices of ``population`` (all neurons, or ``neurons``).

    Variables ``<population>_spike_time`` (ms) and ``<population>_spike_neuron`` (local
    indices), one entry per spike, in time order.

    Examples
    --------
    >>> from engramlab.network import Network, Population, simulate
    >>> from engramlab.neurons import LIF
    >>> net = Network([Population("E", 10, LIF(), i_bias_pa=150.0)])
    >>> ds = simulate(net, 50.0, record=[Spikes("E", neurons=[0, 1])], seed=0)
    >>> ds["E_spike_time"].values.round(1).tolist(), ds["E_spike_neuron"].values.tolist()
    ([21.9, 21.9, 48.9, 48.9], [0, 1, 0, 1])
    """

    population: str
    neurons: Sequence[int] | np.ndarray | None = None


@dataclasses.dataclass(frozen=True)
class Rates(Recorder):
    """The mean rate of ``population`` in bins of ``bin_ms`` (Hz).

    Variable ``<population>_rate``, over ``<population>_rate_time`` (the start of each
    bin, ms).

    Examples
    --------
    >>> from engramlab.network import Network, Population, PoissonSource, simulate
    >>> net = Network([Population("drive", 100, PoissonSource(rate_hz=20.0))])
    >>> ds = simulate(net, 300.0, record=[Rates("drive", bin_ms=100.0)], seed=0)
    >>> ds["drive_rate"].values.tolist(), ds["drive_rate_time"].values.tolist()
    ([19.4, 20.7, 20.5], [0.0, 100.0, 200.0])
    """

    population: str
    bin_ms: float = 1.0

    def __post_init__(self) -> None:
        if not self.bin_ms > 0:
            raise ParameterError(f"Rates({self.population}).bin_ms", "must be > 0", self.bin_ms)


@dataclasses.dataclass(frozen=True)
class State(Recorder):
    """``variable`` of ``neurons`` of ``population``, sampled every ``every_ms``.

    Variable ``<population>_<variable>`` (time, neuron), each sample stamped with the
    end of its step; ``neurons=None`` records all of them.

    Examples
    --------
    >>> from engramlab.network import Network, Population, simulate
    >>> from engramlab.neurons import LIF
    >>> net = Network([Population("E", 10, LIF(), i_bias_pa=150.0)])
    >>> ds = simulate(net, 20.0, record=[State("E", "v", neurons=[0, 1], every_ms=5.0)],
    ...               seed=0)
    >>> ds["E_v"].dims, ds["E_v"].shape
    (('E_v_time', 'E_v_neuron'), (4, 2))
    >>> ds["E_v"].values[:, 0].round(2).tolist()  # mV, rising towards threshold
    [-56.68, -54.1, -52.09, -50.52]
    >>> ds["E_v_time"].values.tolist()
    [5.0, 10.0, 15.0, 20.0]
    """

    population: str
    variable: str = "v"
    neurons: Sequence[int] | np.ndarray | None = (0,)
    every_ms: float | None = None  # None: every step

    def __post_init__(self) -> None:
        if self.every_ms is not None and not self.every_ms > 0:
            raise ParameterError(f"State({self.population}).every_ms", "must be > 0",
                                 self.every_ms)


@dataclasses.dataclass(frozen=True)
class Weights(Recorder):
    """Weights of ``synapses`` of ``projection``, every ``every_ms``.

    Synapse indices are in CSR order; all synapses by default.

    Variable ``<projection>_weight`` (time, synapse), with the ``<projection>_pre`` and
    ``<projection>_post`` neuron of each synapse.

    Examples
    --------
    >>> from engramlab.network import Network, OneToOne, Population, Projection, simulate
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pops = [Population("A", 4, LIF(), {"exc": delta()}),
    ...         Population("B", 4, LIF(), {"exc": delta()})]
    >>> net = Network(pops, [Projection("A", "B", "exc", OneToOne(), weight=0.5,
    ...                                 name="AB")])
    >>> ds = simulate(net, 30.0, record=[Weights("AB", every_ms=10.0)], seed=0)
    >>> ds["AB_weight"].shape, ds["AB_weight_time"].values.tolist()
    ((4, 4), [0.0, 10.0, 20.0, 30.0])
    >>> ds["AB_weight"].values[-1].tolist()  # static synapses keep their weight (mV)
    [0.5, 0.5, 0.5, 0.5]
    """

    projection: str
    synapses: Sequence[int] | np.ndarray | None = None
    every_ms: float = 100.0

    def __post_init__(self) -> None:
        if not self.every_ms > 0:
            raise ParameterError(f"Weights({self.projection}).every_ms", "must be > 0",
                                 self.every_ms)


@dataclasses.dataclass(frozen=True)
class STPState(Recorder):
    """``u`` and ``x`` of presynaptic ``neurons`` of ``projection``, every ``every_ms``.

    ``neurons``: local indices of the projection's ``pre`` population (all by default).

    Variables ``<projection>_u`` and ``<projection>_x`` (time, neuron); each sample is
    taken at the start of the step it is stamped with.

    Examples
    --------
    >>> from engramlab.network import (Network, OneToOne, Population, Projection,
    ...                                SpikeSource, simulate)
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import TsodyksMarkram, delta
    >>> train = SpikeSource(times_ms=[5.0, 10.0, 15.0, 20.0], indices=[0, 0, 0, 0])
    >>> pops = [Population("pre", 1, train), Population("post", 1, LIF(), {"exc": delta()})]
    >>> stp = TsodyksMarkram(u_se=0.5, tau_rec_ms=200.0, tau_fac_ms=0.0)  # depressing
    >>> net = Network(pops, [Projection("pre", "post", "exc", OneToOne(), stp=stp,
    ...                                 name="syn")])
    >>> ds = simulate(net, 25.0, record=[STPState("syn", every_ms=5.0)], seed=0)
    >>> ds["syn_u_time"].values.tolist()
    [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    >>> ds["syn_x"].values[:, 0].round(3).tolist()  # resources left, before each spike
    [1.0, 1.0, 0.512, 0.275, 0.159, 0.102]
    """

    projection: str
    neurons: Sequence[int] | np.ndarray | None = None
    every_ms: float = 10.0

    def __post_init__(self) -> None:
        if not self.every_ms > 0:
            raise ParameterError(f"STPState({self.projection}).every_ms", "must be > 0",
                                 self.every_ms)


class MemorySink:
    """Keeps records in lists of chunks; :meth:`dataset` concatenates them."""

    def __init__(self) -> None:
        self.chunks: dict[str, list[np.ndarray]] = {}
        self.dims: dict[str, tuple[str, ...]] = {}
        self.attrs: dict[str, dict] = {}
        self.fixed: dict[str, tuple[tuple[str, ...], np.ndarray, dict]] = {}

    def declare(self, name: str, dims: tuple[str, ...], dtype, attrs: dict) -> None:
        self.chunks[name] = []
        self.dims[name] = dims
        self.attrs[name] = attrs
        self._dtype = getattr(self, "_dtype", {})
        self._dtype[name] = dtype

    def fixed_variable(self, name: str, dims: tuple[str, ...], data: np.ndarray,
                       attrs: dict) -> None:
        self.fixed[name] = (dims, data, attrs)

    def append(self, name: str, data: np.ndarray) -> None:
        if data.shape[0]:
            self.chunks[name].append(np.array(data, copy=True))

    def dataset(self, attrs: dict):
        with collector_paused():
            import xarray as xr

        ds = xr.Dataset(attrs=attrs)
        for name, dims in self.dims.items():
            parts = self.chunks[name]
            if parts:
                data = np.concatenate(parts, axis=0)
            else:
                shape = (0, *(self.fixed[d][1].size if d in self.fixed else 0
                              for d in dims[1:]))
                data = np.zeros(shape, dtype=self._dtype[name])
            # fastpath: the data are plain NumPy arrays; skipping xarray's duck-array
            # checks avoids importing dask.array (0.4 s) just to build the result
            ds[name] = xr.Variable(dims, data.astype(self._dtype[name], copy=False),
                                   attrs=self.attrs[name], fastpath=True)
        for name, (dims, data, a) in self.fixed.items():
            ds[name] = xr.Variable(dims, np.asarray(data), attrs=a, fastpath=True)
        return ds


class FileSink(MemorySink):
    """Appends every chunk to a NetCDF file (h5netcdf, unlimited leading dimensions)."""

    def __init__(self, path) -> None:
        super().__init__()
        import os

        import h5netcdf

        self.path = str(path)
        if os.path.exists(self.path):  # results are never overwritten silently
            raise ParameterError("stream_to", "names an existing file; choose a new path",
                                 self.path)
        self.file = h5netcdf.File(self.path, "w-")
        self.length: dict[str, int] = {}

    def _dim(self, dim: str, size: int | None) -> None:
        if dim not in self.file.dimensions:
            self.file.dimensions[dim] = size

    def declare(self, name, dims, dtype, attrs):
        super().declare(name, dims, dtype, attrs)
        self._dim(dims[0], None)
        for d in dims[1:]:
            self._dim(d, self.fixed[d][1].size if d in self.fixed else None)
        var = self.file.create_variable(name, dims, dtype=np.dtype(dtype))
        for k, val in attrs.items():
            var.attrs[k] = val
        self.length[name] = 0

    def fixed_variable(self, name, dims, data, attrs):
        super().fixed_variable(name, dims, data, attrs)
        for d in dims:
            if d not in self.file.dimensions:
                self.file.dimensions[d] = data.shape[dims.index(d)]
        if data.dtype.kind in "OU":
            import h5py  # type: ignore[import-untyped]

            var = self.file.create_variable(name, dims, dtype=h5py.string_dtype())
            var[...] = data.astype(object)
        else:
            var = self.file.create_variable(name, dims, data=data)
        for k, val in attrs.items():
            var.attrs[k] = val

    def append(self, name, data):
        n = data.shape[0]
        if not n:
            return
        var = self.file.variables[name]
        dim = self.dims[name][0]
        start = self.length[name]
        if self.file.dimensions[dim].size < start + n:
            self.file.resize_dimension(dim, start + n)
        var[start:start + n, ...] = data
        self.length[name] = start + n
        self.file.flush()

    def close(self) -> None:
        try:
            self.file.close()
        except Exception:  # pragma: no cover - already closed
            pass

    def dataset(self, attrs):
        with collector_paused():
            import xarray as xr

        for d, size in list(self.length.items()):
            dim = self.dims[d][0]
            if self.file.dimensions[dim].size < size:
                self.file.resize_dimension(dim, size)
        for k, val in attrs.items():
            self.file.attrs[k] = val
        self.file.close()
        return xr.open_dataset(self.path, engine="h5netcdf")
