"""The agreement view: tick codings, change the settings, read the same figures as the core."""

from __future__ import annotations

from PySide6.QtCore import Qt

from observer.analysis.agreement import agreement
from observer.storage.read_coding import from_coding
from ui.agreement_view import AgreementView, figure_text


def open_view(qtbot, store, ids) -> AgreementView:
    view = AgreementView(store, ids)
    qtbot.addWidget(view)
    view.resize(1500, 900)
    view.show()
    qtbot.waitExposed(view)
    return view


def shown_figures(view: AgreementView) -> dict[str, tuple[str, str]]:
    table = view.figures
    return {
        table.item(r, 0).data(Qt.ItemDataRole.UserRole): (
            table.item(r, 1).text(),
            table.item(r, 2).text(),
        )
        for r in range(table.rowCount())
    }


def row_of(view: AgreementView, coding_id: int) -> int:
    return next(
        r
        for r in range(view.codings.count())
        if view.codings.item(r).data(Qt.ItemDataRole.UserRole) == coding_id
    )


def toggle(qtbot, view: AgreementView, coding_id: int) -> None:
    """Tick or untick a coding with the keyboard, as a person can."""
    view.codings.setFocus()
    view.codings.setCurrentRow(row_of(view, coding_id))
    qtbot.keyClick(view.codings, Qt.Key.Key_Space)


def test_the_view_shows_the_cores_figures_and_how_they_were_computed(
    qtbot, demo_store, out_dir
) -> None:
    view = open_view(qtbot, demo_store, [4, 5])
    datas = [from_coding(demo_store, 4), from_coding(demo_store, 5)]
    core = agreement(datas, 2.0, 1.0, "code")
    shown = shown_figures(view)
    for key in ("event_kappa", "event_kappa_matched", "percent_agreement", "time_unit_kappa",
                "krippendorff_alpha"):  # fmt: skip
        value, how = shown[key]
        assert value == figure_text(key, core[key])
        assert how == core["explanations"][key]

    labels = core["confusion"]["labels"]
    matrix = core["confusion"]["matrix"]
    table = view.confusion
    assert table.columnCount() == len(labels)
    assert table.horizontalHeaderItem(len(labels) - 1).text() == "nothing"
    for r, row in enumerate(matrix):
        for c, n in enumerate(row):
            assert table.item(r, c).text() == (str(n) if n else "·")
    assert view.per_code.rowCount() == len(core["per_code"])
    view.grab().save(str(out_dir / "agreement_view_test.png"))

    # A wider window: typed into the tolerance box, the figures follow.
    view.tolerance.setFocus()
    view.tolerance.selectAll()
    qtbot.keyClicks(view.tolerance, "3")
    qtbot.keyClick(view.tolerance, Qt.Key.Key_Enter)
    assert view.tolerance.value() == 3.0
    wider = agreement(datas, 3.0, 1.0, "code")
    assert shown_figures(view)["event_kappa"][0] == figure_text("event_kappa", wider["event_kappa"])
    assert "±3 s" in view.alignment.text()


def test_choices_that_make_no_agreement_are_explained(qtbot, demo_store) -> None:
    view = open_view(qtbot, demo_store, [4, 5])
    toggle(qtbot, view, 5)
    assert view.checked_ids() == [4]
    assert "two or more" in view.message.text()
    assert view.figures.rowCount() == 0
    toggle(qtbot, view, 1)  # session 1 against session 3
    assert "different sessions" in view.message.text()
    toggle(qtbot, view, 1)
    toggle(qtbot, view, 5)
    assert view.checked_ids() == [4, 5] and view.figures.rowCount() > 0


def test_three_codings_by_actor(qtbot, demo_store) -> None:
    view = open_view(qtbot, demo_store, [3, 4, 5])
    view.by.setFocus()
    while view.by.currentData() != "actor":
        qtbot.keyClick(view.by, Qt.Key.Key_Down)
    assert view.result is not None and view.result["by"] == "actor"
    assert view.pair.count() == 3 and view.pair.isEnabled()
    assert view.per_code.horizontalHeaderItem(0).text() == "Actor"
    shown = shown_figures(view)
    assert shown["krippendorff_alpha"][0] == figure_text(
        "krippendorff_alpha", view.result["krippendorff_alpha"]
    )
    assert "over 3 codings" in shown["krippendorff_alpha"][1]
    # Choosing another pair shows that pair's confusion table.
    view.pair.setCurrentIndex(2)
    assert view.current_pair()["codings"] == view.result["pairs"][2]["codings"]
    assert "coding 4" in view.alignment.text() and "coding 5" in view.alignment.text()
