"""Render every window and dialog of the app as a user reaches them, to look at them.

    .venv/bin/python scripts/render_app.py [FOLDER]      (default out/ui)

One PNG per window at 1280x800 and per dialog at its own size, named for what it shows
(``PICTURES`` lists them): the start screen (empty, with the demo, after a crash), live and
media coding, tape review, the practice feedback, agreement and the group's course, and
every dialog the menus open (File, Group, Edit, Review, the coding window's), a passphrase
asked for, the lock screen, a question about what an export leaves out. Any label given
less room than its text needs is printed (``ui.label_fit``).

Offscreen, ``QVideoWidget`` paints nothing a screenshot can see, so the frame that
reached the video sink is painted into the picture where the video sits.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CLIP = ROOT / "tests" / "data" / "clip.mp4"
WINDOW = (1280, 800)

# Every picture, in the order drawn: the test checks each is written and not blank.
PICTURES = [
    "start-empty", "start-screen", "start-interrupted", "live-coding", "media-coding",
    "review-live", "review-window", "practice-feedback", "practice-demo", "agreement",
    "group-course", "dialog-new-group", "dialog-new-session", "dialog-new-coding",
    "dialog-key-clash", "dialog-edit-group", "dialog-members", "dialog-member",
    "dialog-edit-session", "dialog-edit-coding", "dialog-move-coding", "dialog-trash",
    "dialog-codebooks", "dialog-import-table", "dialog-import-transcript",
    "dialog-voice-activity", "dialog-export", "dialog-export-question", "dialog-report",
    "dialog-line-up-recording", "dialog-access-log", "dialog-rating-grid",
    "dialog-coding-in-use", "dialog-passphrase", "dialog-new-passphrase", "lock-screen",
    "dialog-idle-minutes", "dialog-which-recording", "dialog-progress",
]  # fmt: skip


def wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(test: Callable[[], bool], limit_ms: int = 10_000) -> None:
    spent = 0
    while not test() and spent < limit_ms:
        wait(20)
        spent += 20


def press(window: Any, keys: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    for key in keys:
        if key == " ":
            QTest.keyClick(window.chart, Qt.Key.Key_Space)
        else:
            QTest.keyClicks(window.chart, key)


@dataclass
class Shot:
    """A window to picture: ``player`` paints its video frame in; ``size`` None: its own."""

    widget: Any
    player: Any = None
    size: tuple[int, int] | None = WINDOW
    settle_ms: int = 100


def render_all(folder: Path) -> dict[str, list[str]]:
    """Draw every window and dialog into ``folder``; each picture's clipped labels by name."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from observer.storage.store import open_store
    from observer.workspace.demo import create_demo
    from ui import style
    from ui.label_fit import clipped_labels

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    style.apply(app)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="gpo-app-"))
    # The windows remember things (the start screen its selection): not in your own settings.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch))
    empty = open_store(scratch / "empty.sqlite3")
    store = open_store(scratch / "demo.sqlite3")
    create_demo(store)
    found: dict[str, list[str]] = {}
    for name, shot in _shots(empty, store, scratch):
        widget = shot.widget
        if shot.size is not None:
            widget.resize(*shot.size)
        widget.show()  # a dialog at the size it opens at
        wait(shot.settle_ms)
        picture = shot.player.grab_window(widget) if shot.player is not None else widget.grab()
        target = folder / f"{name}.png"
        picture.save(str(target))
        found[name] = clipped_labels(widget)
        widget.close()
        widget.deleteLater()
    empty.close()
    store.close()
    return found


def _shots(empty: Any, store: Any, scratch: Path) -> Iterator[tuple[str, Shot]]:
    """Each window and dialog, set up as a person reaches it, in ``PICTURES`` order."""
    yield from _start_and_coding(empty, store)
    yield from _review_and_practice(store)
    yield from _dialogs(store, scratch)


def _start_and_coding(empty: Any, store: Any) -> Iterator[tuple[str, Shot]]:
    from observer.workspace.codings import new_coding, set_reference
    from observer.workspace.groups import attach_media
    from observer.workspace.media import set_media_offset
    from observer.workspace.practice import start_attempt
    from observer.workspace.recording import Recorder
    from observer.workspace.workspace import Workspace
    from ui.coding_window import CodingWindow
    from ui.media_coding import MediaCoding
    from ui.start_screen import StartScreen

    yield "start-empty", Shot(StartScreen(Workspace(empty)))

    # A supervisor's practice reference of the clip, and a trainee's short attempt at it.
    media_id = attach_media(store, 1, str(CLIP), offset_ms=0, label="Session 1 camera")
    coding = new_coding(store, 1, "SV", ["here-and-now", "bion"], clock_mode="media",
                        capacity="supervisor", media_file_id=media_id)  # fmt: skip
    recorder = Recorder(store, coding)
    for at, code, actor, targets in ((100, "work", "group", ()), (600, "question", "m3",
                                     ("group",)), (1200, "dependency", "group", ())):  # fmt: skip
        recorder.record(at, code, actor, targets)
    recorder.close()
    set_reference(store, coding)
    attempt = start_attempt(store, coding, "TR")
    recorder = Recorder(store, attempt)
    for at, code, actor, targets in ((50, "work", "group", ()), (700, "question", "m3", ("group",)),
                                     (1250, "dependency", "group", ())):  # fmt: skip
        recorder.record(at, code, actor, targets)
    recorder.close()
    screen = StartScreen(Workspace(store))
    screen.select("coding", attempt)
    yield "start-screen", Shot(screen)

    # After a crash with a live coding's clock running: the list marks it, offers to resume.
    crashed = Recorder(store, 2)
    crashed.start_clock()
    crashed.close()  # the lock goes with the process; the clock stays saved as running
    screen = StartScreen(Workspace(store))
    screen.select("coding", 2)
    yield "start-interrupted", Shot(screen)

    live = CodingWindow(Recorder(store, 6))
    live.timeline.show_all()
    yield "live-coding", Shot(live, settle_ms=300)
    live.recorder.close()

    # A supervisor codes the clip with the keyboard, as in live coding.
    second = new_coding(store, 1, "SV", ["here-and-now", "bion"], clock_mode="media",
                        capacity="supervisor", media_file_id=media_id)  # fmt: skip
    window = CodingWindow(Recorder(store, second))
    window.resize(*WINDOW)
    window.show()
    media = window.clock
    assert isinstance(media, MediaCoding)
    wait_until(lambda: media.player.ready)
    for at, keys in ((0, " W"), (300, "12f"), (600, "3 q"), (900, "4w"), (1200, " D"),
                     (1500, "21s"), (1800, "5 q")):  # fmt: skip
        media.player.seek(at)
        wait(60)
        press(window, keys)
        wait(20)
        window.finish_modifiers()
    window.timeline.show_all()
    media.player.seek(1350)
    yield "media-coding", Shot(window, media.player, settle_ms=300)
    window.recorder.close()

    # The live coding of session 1 reviewed with the clip, lined up on its fourth event.
    recorder = Recorder(store, 1)
    review = CodingWindow(recorder, media_id=media_id)
    review.resize(*WINDOW)
    review.show()
    tape = review.clock
    assert isinstance(tape, MediaCoding)
    wait_until(lambda: tape.player.ready)
    tape.player.seek(800)
    wait(60)
    tape.controller.attach_offset_by_marks(recorder.events[3].time_ms)
    tape.player.seek(1000)
    yield "review-live", Shot(review, tape.player, settle_ms=300)
    recorder.close()
    set_media_offset(store, media_id, 0)


def _review_and_practice(store: Any) -> Iterator[tuple[str, Shot]]:
    from observer.workspace.practice import attempts
    from ui.agreement_view import AgreementView
    from ui.group_course_view import GroupCourseView
    from ui.media.review import ReviewWindow
    from ui.practice_flow import FeedbackWindow

    review = ReviewWindow(store, 4)
    wait_until(lambda: review.player.ready, 5_000)
    yield "review-window", Shot(review, review.player, settle_ms=300)

    # The feedback on the short attempt at the clip, and on the demo trainee's attempt at
    # session 3 with the demo's own recording (a clock and tones), a missed act chosen.
    [*_, short] = attempts(store, "TR", scored=False)
    for attempt_id, name in ((short.coding_id, "practice-feedback"), (5, "practice-demo")):
        feedback = FeedbackWindow(store, attempt_id)
        feedback.resize(*WINDOW)
        feedback.show()
        wait_until(lambda f=feedback: f.player.ready, 5_000)
        rows = [feedback.view.row_of("miss", n) for n in range(40)]
        chosen = [r for r in rows if r is not None and "Confrontation" in r.text(2)] or [
            r for r in rows if r is not None
        ]
        if chosen:
            feedback.view.items_list.setCurrentItem(chosen[0])
            feedback.view._item_chosen(chosen[0])
        yield name, Shot(feedback, feedback.player, settle_ms=300)

    yield "agreement", Shot(AgreementView(store, [3, 4]), settle_ms=300)
    yield "group-course", Shot(GroupCourseView(_workspace(store), 1), settle_ms=300)


def _workspace(store: Any) -> Any:
    from observer.workspace.workspace import Workspace

    return Workspace(store)


def _dialogs(store: Any, scratch: Path) -> Iterator[tuple[str, Shot]]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox, QListWidgetItem

    from observer.domain.clock import utcnow
    from observer.domain.errors import CodingInUse
    from observer.domain.instrument_file import find_instrument
    from observer.formats import carried_over_message
    from observer.workspace.groups import get_group
    from tests.observer.formats.test_transcripts import ZOOM
    from ui.background import Job, ProgressDialog
    from ui.dialogs.access_log import AccessLogDialog
    from ui.dialogs.coding_dialog import NewCodingDialog
    from ui.dialogs.coding_in_use import CodingInUseDialog
    from ui.dialogs.common import text_question
    from ui.dialogs.export_dialog import ExportDialog
    from ui.dialogs.group_dialog import NewGroupDialog
    from ui.dialogs.passphrase_dialog import NewPassphraseDialog, PassphraseDialog
    from ui.dialogs.rating_grid import RatingGrid
    from ui.dialogs.record_dialogs import (
        EditCodingDialog,
        EditGroupDialog,
        EditSessionDialog,
        MemberDialog,
        MoveCodingDialog,
    )
    from ui.dialogs.record_lists import CodebooksDialog, MembersDialog, TrashDialog
    from ui.dialogs.session_dialog import NewSessionDialog
    from ui.import_export import TableImportDialog, export_question
    from ui.lock import LockScreen, idle_minutes_question
    from ui.practice_flow import recording_question
    from ui.transcript_import import TranscriptImportDialog
    from ui.voice_activity import VoiceActivityDialog

    workspace = _workspace(store)
    own = None  # dialogs at the size they open at
    yield "dialog-new-group", Shot(NewGroupDialog(workspace), size=own)
    yield "dialog-new-session", Shot(NewSessionDialog(workspace, 1), size=own)
    yield "dialog-new-coding", Shot(NewCodingDialog(workspace, 1), size=own)
    # Two codebooks that want the same keys: the dialog asks for others.
    clash = NewCodingDialog(workspace, 1)
    clash.observer.lineEdit().setText("RK")
    for row in range(clash.books.count()):
        item: QListWidgetItem = clash.books.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "bales-ipa":
            item.setCheckState(Qt.CheckState.Checked)
    clash.show()
    clash.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    yield "dialog-key-clash", Shot(clash, size=own)
    yield "dialog-edit-group", Shot(EditGroupDialog(workspace, 1), size=own)
    yield "dialog-members", Shot(MembersDialog(workspace, 1), size=own)
    member = get_group(store, 1).members[0]
    yield "dialog-member", Shot(MemberDialog(workspace, 1, member), size=own)
    yield "dialog-edit-session", Shot(EditSessionDialog(workspace, 3), size=own)
    yield "dialog-edit-coding", Shot(EditCodingDialog(workspace, 3), size=own)
    yield "dialog-move-coding", Shot(MoveCodingDialog(workspace, 3), size=own)
    yield "dialog-trash", Shot(TrashDialog(workspace), size=own)
    yield "dialog-codebooks", Shot(CodebooksDialog(workspace), size=own)
    yield "dialog-import-table", Shot(TableImportDialog(store, scratch / "events.csv", session=2),
                                      size=own)  # fmt: skip
    transcript = scratch / "call.vtt"
    transcript.write_text(ZOOM, encoding="utf-8")
    yield "dialog-import-transcript", Shot(TranscriptImportDialog(store, transcript, session=3),
                                           size=own)  # fmt: skip
    yield "dialog-voice-activity", Shot(VoiceActivityDialog(store), size=own)
    yield "dialog-export", Shot(ExportDialog("Export", "Thursday group session 3 RK"), size=own)
    notices = [
        "live, co-therapist: its 2 process notes",
        "live, co-therapist: 1 state still running is stopped at the coding's end",
    ]
    yield "dialog-export-question", Shot(export_question(None, carried_over_message(notices)),
                                         size=own)  # fmt: skip
    yield (
        "dialog-report",
        Shot(
            ExportDialog("Supervision report", "Thursday group session 3 RK report", report=True),
            size=own,
        ),
    )
    line_up = text_question(
        None,
        "Line up the recording",
        "Session time at the recording's first frame (e.g. 2:31, or -0:30 if the recording "
        "started before the session clock). Leave 0 if they started together; it can be set "
        "later by marking one moment.",
        "0",
    )
    yield "dialog-line-up-recording", Shot(line_up, size=own)
    yield "dialog-access-log", Shot(AccessLogDialog(store, 3), size=own)
    grid = RatingGrid(workspace, 3, find_instrument("gcq-s"), observer="RK")
    yield "dialog-rating-grid", Shot(grid, size=own)
    since = utcnow().replace(hour=10, minute=2)
    refusal = CodingInUse(3, "RK", "ward-laptop", 4242, since, since + timedelta(minutes=5),
                          can_take_over=False, this_host=False)  # fmt: skip
    yield "dialog-coding-in-use", Shot(CodingInUseDialog(refusal), size=own)
    passphrase = PassphraseDialog("observer.sqlite3", "That passphrase does not open it.")
    yield "dialog-passphrase", Shot(passphrase, size=own)
    yield "dialog-new-passphrase", Shot(NewPassphraseDialog("observer.sqlite3", optional=True),
                                        size=own)  # fmt: skip
    yield "lock-screen", Shot(LockScreen("observer.sqlite3", lambda _phrase: False))
    from PySide6.QtCore import QSettings

    yield "dialog-idle-minutes", Shot(idle_minutes_question(QSettings()), size=own)
    recordings = ["camera (offset 00:00)", "room microphone (offset -00:03)"]
    yield "dialog-which-recording", Shot(recording_question(None, recordings), size=own)
    job = Job(lambda progress: None)
    yield "dialog-progress", Shot(ProgressDialog(job, "Import", "Importing Thursday group.boris…"),
                                  size=own)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "out" / "ui")
    args = parser.parse_args(argv)
    found = render_all(args.folder)
    for name, labels in found.items():
        for label in labels:
            print(f"{name}: label cut off: {label}")
    print(f"Wrote {len(found)} pictures to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
