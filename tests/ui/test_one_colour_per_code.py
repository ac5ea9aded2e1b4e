"""One colour per code everywhere: the palette, the coding window's timeline and every chart
show a code (and a category, in its first code's colour) in the colour its codebook gives."""

from __future__ import annotations

from typing import Any

from matplotlib.artist import Artist
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from observer.analysis.filters import ChartFilter
from observer.charts import CHARTS, new_figure
from observer.charts.trends import draw_trends
from observer.domain.coding_data import CodingData
from observer.storage.read_coding import from_coding
from observer.workspace.group_course import group_trends


def _colour_of(handle: Artist) -> str:
    if isinstance(handle, Line2D):
        colour = handle.get_color() if handle.get_linestyle() != "None" else None
        return to_hex(colour or handle.get_markerfacecolor(), keep_alpha=False)
    assert isinstance(handle, Patch)
    return to_hex(handle.get_facecolor(), keep_alpha=False)


def legend_colours(fig: Figure) -> dict[str, str]:
    """Every legend entry of a figure: its label and the colour it is drawn in."""
    found: dict[str, str] = {}
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True):
            if handle is not None:
                found[text.get_text()] = _colour_of(handle)
    return found


def expected(data: CodingData) -> dict[str, str]:
    """What the codebook says: each code's colour, and each category's (its first code's),
    under every name a chart may use for them (id, label)."""
    colours: dict[str, str] = {}
    for code in data.codes.values():
        colours.setdefault(code.category or code.id, code.colour)
        colours[code.id] = code.colour
        if data.is_mode(code.id):
            colours[code.label] = code.colour
    return colours


def chart_colours(data: CodingData, store: Any, filter: ChartFilter | None = None) -> list[dict]:
    drawn = []
    for name, (_title, draw, _size) in CHARTS.items():
        fig = new_figure(name)
        draw(fig, data, filter)
        if name == "basic_assumptions":
            bars = fig.axes[0]
            labels = [t.get_text() for t in bars.get_yticklabels()]
            faces = [to_hex(p.get_facecolor(), keep_alpha=False) for p in bars.patches]
            drawn.append(dict(zip(labels, faces, strict=True)))
        else:
            drawn.append(legend_colours(fig))
    fig = new_figure("participation")
    draw_trends(fig, group_trends(store, 1), colours={c.id: c.colour for c in data.codes.values()})
    drawn.append(legend_colours(fig))
    return drawn


def test_a_code_has_its_codebook_colour_in_palette_timeline_and_every_chart(
    demo_store: Any, fake_time: Any, qtbot: Any
) -> None:
    from conftest import open_window

    from ui.code_palette import CodeButton

    window = open_window(demo_store, 3, fake_time, qtbot)
    try:
        data = from_coding(demo_store, 3)
        want = expected(data)
        # The palette: each button's swatch.
        for button in window.findChildren(CodeButton):
            picture = button.grab().toImage()
            swatch = picture.pixelColor(10, picture.height() // 2).name()
            assert swatch == button.code.colour.lower(), button.code.id
        # The coding window's timeline: the mark of a point event of each code.
        timeline = window.timeline
        timeline.show_all()
        picture = timeline.grab().toImage()
        checked = set()
        points = timeline.visible_points()
        for event in points:
            crowded = any(
                o is not event
                and abs(o.time_ms - event.time_ms) < 60_000
                and o.actor == event.actor
                for o in points
            )
            if event.code in checked or event.end_ms is not None or crowded:
                continue
            at = timeline.mark_position(event.id).toPoint()
            assert picture.pixelColor(at).name() == want[event.code], event.code
            checked.add(event.code)
        assert {"feedback", "question", "self-disclosure"} <= checked
    finally:
        window.close()
        window.recorder.close()

    # Every chart, for the whole coding and for a part in which fewer categories occur
    # (colours must not move to the categories that happen to be present).
    late = ChartFilter(start_ms=40 * 60_000, categories=frozenset({"avoidance", "feedback"}))
    shown = 0
    for part in (None, late):
        for colours in chart_colours(data, demo_store, part):
            for name, colour in colours.items():
                if name in want:
                    assert colour == want[name].lower(), name
                    shown += 1
    assert shown > 20  # the charts did name codes, categories and modes


def test_a_category_keeps_its_look_in_every_session(demo_store: Any) -> None:
    from observer.charts.style import category_styles

    looks = [category_styles(from_coding(demo_store, coding)) for coding in (1, 2, 3)]
    assert looks[0] == looks[1] == looks[2]
    # The categories acts are drawn by (modes are drawn by code) tell apart by colour and mark.
    data = from_coding(demo_store, 3)
    modes = {data.category(m) for m in data.mode_codes}
    acts = [s for c, s in looks[0].items() if c not in modes]
    assert len({s.colour for s in acts}) == len({s.marker for s in acts}) == len(acts) == 6
