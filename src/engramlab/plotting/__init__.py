"""Reusable displays. Takes arrays or Datasets, draws on matplotlib Axes; never simulates.

matplotlib is imported here (and in the report) only, with the non-interactive Agg
backend, so models and experiments stay free of it.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

from engramlab.plotting.targets import TARGET_STYLE, bounds, draw_target, find_check, target_text

__all__ = ["TARGET_STYLE", "bounds", "draw_target", "figure_png", "find_check", "new_figure",
           "target_text"]


def new_figure(width: float = 10.0, height: float = 4.2) -> Figure:
    """A figure on the Agg canvas (no display needed, no global pyplot state)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
