"""Save a chart as PNG, SVG or PDF, chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from observer.domain.errors import InputError

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DPI = 150


def save_figure(fig: Figure, path: str | Path, dpi: int = DPI) -> Path:
    """Write ``fig`` to ``path`` (.png, .svg or .pdf); returns the path written."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path.name}: cannot save a chart as {path.suffix or 'a file without a suffix'}; "
            "use .png, .svg or .pdf"
        )
    try:
        fig.savefig(path, format=fmt, dpi=dpi, facecolor="white")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
    return path
