"""A session's paper forms typed into the rating grid, as a leader does; read back afresh."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from observer.domain.instrument_file import find_instrument
from observer.workspace.ratings import add_rating
from observer.workspace.workspace import Workspace
from ui.dialogs.rating_grid import RatingGrid

GCQ = find_instrument("gcq-s")
SESSION = 2  # the demo's second session: Chloe was absent


def stored(store: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(str(store.path))
    try:
        rows = conn.execute(
            "SELECT m.pseudonym, r.observer, r.rater, r.answers FROM ratings r "
            "LEFT JOIN members m ON m.id = r.member_id WHERE r.session_id = ? ORDER BY r.id",
            (SESSION,),
        ).fetchall()
    finally:
        conn.close()
    return [(name, observer, rater, json.loads(answers)) for name, observer, rater, answers in rows]


def grid(qtbot: Any, store: Any, observer: str = "") -> RatingGrid:
    dialog = RatingGrid(Workspace(store), SESSION, GCQ, observer)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def type_row(qtbot: Any, dialog: RatingGrid, answers: str) -> None:
    """One form as a leader types it: a digit (or nothing) then Tab, item after item."""
    for answer in answers.split(","):
        here = dialog.focusWidget()
        if answer:
            qtbot.keyClicks(here, answer)
        qtbot.keyClick(here, Qt.Key.Key_Tab)


def save(qtbot: Any, dialog: RatingGrid) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_whole_session_typed_by_keyboard(qtbot: Any, demo_store: Any) -> None:
    dialog = grid(qtbot, demo_store, observer="RK")
    present = [r for r in dialog.sheet.rows if r.present]
    assert [r.label for r in dialog.sheet.rows if not r.present] == ["Chloe (CH)"]
    chloe = next(r for r in dialog.sheet.rows if not r.present)
    assert not any(c.isEnabled() for c in dialog.cells[chloe.member_id])
    forms = {}
    for i, row in enumerate(present):
        answers = ",".join(str((i + n) % 7) for n in range(12))
        if i == 1:
            answers = "3,,3,3,,3,3,3,,3,3,3"  # three left blank: still counts
        type_row(qtbot, dialog, answers)
        forms[row.label.split(" (")[0]] = answers
    type_row(qtbot, dialog, "1,1,1,1,1,1,1,1,1,1,1,1")  # the observer's own row, last
    save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted

    def as_list(text: str) -> list[int | None]:
        return [int(a) if a else None for a in text.split(",")]

    found = stored(demo_store)
    assert [(n, o, r) for n, o, r, _ in found] == [
        *((name, "", "leader" if name.startswith("Dr ") else "member") for name in forms),
        (None, "RK", "observer"),
    ]
    assert [a for *_, a in found] == [*(as_list(a) for a in forms.values()), [1] * 12]


def test_only_digits_on_the_scale_are_taken(qtbot: Any, demo_store: Any) -> None:
    dialog = grid(qtbot, demo_store)
    first = dialog.focusWidget()
    qtbot.keyClicks(first, "x9-")
    assert first.text() == ""
    qtbot.keyClicks(first, "6")
    qtbot.keyClicks(first, "5")  # one answer per cell
    assert first.text() == "6"
    jane = dialog.sheet.rows[0].member_id
    assert "not counted" in dialog.scores[jane].text()  # eleven blank so far


def test_an_edited_form_is_saved_and_a_cleared_one_goes(qtbot: Any, demo_store: Any) -> None:
    add_rating(demo_store, SESSION, GCQ, [2] * 12, 1)  # Jane
    add_rating(demo_store, SESSION, GCQ, [4] * 12, 2)  # Sam
    dialog = grid(qtbot, demo_store)
    assert dialog.answers(1) == (2,) * 12
    here = dialog.focusWidget()  # Jane's first item
    here.selectAll()
    qtbot.keyClicks(here, "5")
    for cell in dialog.cells[2]:  # Sam's form cleared cell by cell
        cell.setFocus()
        qtbot.keyClick(cell, Qt.Key.Key_Backspace)
    save(qtbot, dialog)
    assert stored(demo_store) == [("Jane", "", "member", [5] + [2] * 11)]


def test_nothing_is_saved_when_a_form_is_refused(qtbot: Any, demo_store: Any) -> None:
    dialog = grid(qtbot, demo_store, observer="")
    type_row(qtbot, dialog, "3,3,3,3,3,3,3,3,3,3,3,3")
    # A member who left the session since the grid opened: the save is refused whole.
    from observer.workspace.records import edit_session

    edit_session(demo_store, SESSION, present=[2, 3])
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert "was absent from session 2" in dialog.error.text()
    assert stored(demo_store) == []
