"""The render scripts draw every window, dialog and chart, and nothing in them is cut off.

They are what a person looks at before a release (see the scripts' docstrings); here each
runs into a fresh folder, every picture it promises must be there and show something,
no label of any window may be given less room than its text needs, and no chart text may
run off its figure or over other text.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from PIL import Image

from observer.charts import CHARTS

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"scripts.{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"scripts.{name}"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def shows_something(path: Path) -> bool:
    """More than one colour: not an empty (all white, all black) picture."""
    with Image.open(path) as picture:
        return any(low != high for low, high in picture.convert("RGB").getextrema())


def test_every_window_and_dialog_is_drawn_with_room_for_its_labels(
    qtbot: Any, tmp_path: Path
) -> None:
    render_app = script("render_app")
    clipped = render_app.render_all(tmp_path)
    assert list(clipped) == render_app.PICTURES
    for name in render_app.PICTURES:
        assert shows_something(tmp_path / f"{name}.png"), name
    assert {name: labels for name, labels in clipped.items() if labels} == {}
    windows = [n for n in render_app.PICTURES if not n.startswith("dialog-")]
    for name in windows:
        with Image.open(tmp_path / f"{name}.png") as picture:
            assert picture.size == render_app.WINDOW, name


def test_every_chart_is_drawn_at_each_size_with_no_text_cut_off(tmp_path: Path) -> None:
    render_charts = script("render_charts")
    written, problems = render_charts.render_charts(tmp_path)
    folder = tmp_path / "charts"
    expected = {
        f"{prefix}-{chart}{where}.png"
        for prefix in ("demo", "ten", "sams")
        for chart in CHARTS
        for where in ("", "-page", "-panel")
    }
    expected |= {"demo-trends.png", "demo-trends-panel.png", "airtime.png", "airtime-panel.png",
                 "airtime-page.png", "demo-transitions.png", "demo-residuals.png"}  # fmt: skip
    assert {p.name for p in written} == expected
    for name in expected:
        assert shows_something(folder / name), name
        assert (folder / "grey" / name).is_file(), name
    assert problems == []
