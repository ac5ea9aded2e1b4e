"""Save a chart as PNG, SVG or PDF, chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from observer.domain.errors import InputError
from observer.storage.private_file import written_whole

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DPI = 150


def save_figure(fig: Figure, path: str | Path, dpi: int = DPI, **options: Any) -> Path:
    """Write ``fig`` to ``path`` (.png, .svg or .pdf), whole and private; returns the path.

    ``options`` go to matplotlib's ``savefig`` (``bbox_inches="tight"``).
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path.name}: cannot save a chart as {path.suffix or 'a file without a suffix'}; "
            "use .png, .svg or .pdf"
        )
    try:
        with written_whole(path) as partial:
            fig.savefig(partial, format=fmt, dpi=dpi, **{"facecolor": "white", **options})
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
    return path
