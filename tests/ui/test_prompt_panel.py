"""The prompt panel during a scripted live coding: the prompt comes when it should, not before."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from observer.domain.participants import GROUP, member_key
from observer.storage.models import ProcessNote
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session, get_group
from observer.workspace.recording import Recorder
from ui.prompt_panel import PromptPanel

RULE = "disclosure-then-subject-change"


def open_coding(store) -> tuple[Recorder, dict[str, str]]:
    specs = [MemberSpec(n) for n in ("Jane", "Sam", "Priya", "Tom")]
    specs.append(MemberSpec("Dr Rivera", role="leader"))
    group_id = add_group(store, "Thursday group", members=specs)
    keys = {m.pseudonym: member_key(m.id) for m in get_group(store, group_id).members}
    session_id = add_session(store, group_id)
    coding_id = new_coding(store, session_id, "RK", ["here-and-now", "bion"])
    return Recorder(store, coding_id), keys


def test_prompt_appears_after_the_event_that_crosses_the_threshold(qtbot, store) -> None:
    recorder, k = open_coding(store)
    jane = f"{RULE}@{k['Jane']}"  # the pattern after Jane's disclosures
    panel = PromptPanel(recorder)
    qtbot.addWidget(panel)
    panel.resize(380, 640)
    panel.show()
    assert panel.empty.isVisible()

    changers = ["Sam", "Tom", "Sam"]
    for round_, changer in enumerate(changers):
        base = round_ * 300_000
        for t in range(base, base + 60_000, 30_000):  # ordinary feedback in between
            recorder.record(t, "feedback", k["Priya"], (k["Tom"],))
        recorder.record(base + 60_000, "self-disclosure", k["Jane"], (GROUP,))
        assert panel.cards == {}, f"prompt before Jane's disclosure {round_ + 1} was answered"
        recorder.record(base + 72_000, "subject-change", k[changer])
        if round_ < 2:
            assert panel.cards == {}, f"prompt after only {round_ + 1} occurrences"
            assert panel.empty.isVisible()

    # Right after the third subject change, the prompt is on show and names Jane.
    assert list(panel.cards) == [jane]
    card = panel.cards[jane]
    text = card.sentence.text()
    assert text.startswith("Third time tonight: after Jane shared something personal")
    assert "Sam and Tom changed the subject" in text
    assert not panel.empty.isVisible()
    # In a dock as narrow as the coding window's the card wraps: its buttons stay in view.
    panel.resize(270, 640)
    qtbot.wait(20)
    right = card.pin_button.mapTo(panel, card.pin_button.rect().topRight()).x()
    assert card.pin_button.isVisible() and right < panel.width()
    # The list of occurrences follows on the next turn of the event loop.
    qtbot.waitUntil(lambda: panel.occurrences.count() == 3)
    assert panel.occurrences.item(0).text().startswith("11:12  Jane: self-disclosure → Sam")

    # Pin it: a process note of kind "prompt", with the sentence, at the latest occurrence.
    qtbot.mouseClick(card.pin_button, Qt.MouseButton.LeftButton)
    with store.reader() as s:
        notes = list(
            s.scalars(select(ProcessNote).where(ProcessNote.coding_id == recorder.coding_id))
        )
    assert [(n.kind, n.time_ms) for n in notes] == [("prompt", 672_000)]
    assert notes[0].text == text
    pinned = panel.cards[jane]
    assert not pinned.pin_button.isEnabled()

    # Dismiss it from the keyboard: focus the button, press Space.
    pinned.dismiss_button.setFocus()
    qtbot.keyClick(pinned.dismiss_button, Qt.Key.Key_Space)
    assert panel.cards == {}
    assert panel.empty.isVisible()
    # A fourth occurrence does not bring a dismissed prompt back.
    recorder.record(1_000_000, "self-disclosure", k["Jane"])
    recorder.record(1_010_000, "subject-change", k["Priya"])
    assert panel.cards == {}
    panel.detach()
    recorder.close()


def test_undo_withdraws_the_prompt_and_a_reopened_coding_shows_it(qtbot, store) -> None:
    recorder, k = open_coding(store)
    for round_ in range(3):
        base = round_ * 300_000
        recorder.record(base, "feedback", k["Priya"], (k["Tom"],))
        recorder.record(base + 60_000, "self-disclosure", k["Jane"])
        recorder.record(base + 65_000, "subject-change", k["Sam"])
    # Opening the panel on a coding that already has the pattern shows it at once.
    panel = PromptPanel(recorder)
    qtbot.addWidget(panel)
    jane = f"{RULE}@{k['Jane']}"
    assert list(panel.cards) == [jane]
    recorder.undo()
    assert panel.cards == {}
    recorder.redo()
    assert list(panel.cards) == [jane]
    panel.detach()
    recorder.close()
