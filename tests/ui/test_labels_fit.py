"""No label is cut off in the start screen and the dialogs it opens (each rendered to a PNG).

A label is clipped when what it needs (its size hint, or for wrapped text the height its
width calls for) is more than it was given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from tests.observer.formats.test_transcripts import ZOOM
from ui.dialogs.common import text_question
from ui.import_export import TableImportDialog
from ui.label_fit import clipped_labels
from ui.start_screen import StartScreen
from ui.transcript_import import TranscriptImportDialog


def shown(qtbot: Any, window: QWidget, picture: Path) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.grab().save(str(picture))
    return window


def test_the_start_screen_with_an_interrupted_coding(
    demo_store: Any, qtbot: Any, out_dir: Path
) -> None:
    from observer.workspace.recording import Recorder
    from observer.workspace.workspace import Workspace

    crashed = Recorder(demo_store, 2)
    crashed.start_clock()
    crashed.close()  # as a crash leaves it: the clock saved as running, no window
    screen = StartScreen(Workspace(demo_store))
    screen.resize(1280, 800)
    screen.select("coding", 2)
    shown(qtbot, screen, out_dir / "start_interrupted.png")
    assert "stopped unexpectedly" in screen.details.text()
    assert clipped_labels(screen) == []


def test_the_import_dialogs_after_a_refused_file(
    demo_store: Any, qtbot: Any, tmp_path: Path, out_dir: Path
) -> None:
    table = TableImportDialog(demo_store, tmp_path / "events.csv", session=2)
    shown(qtbot, table, out_dir / "import_table.png")
    assert clipped_labels(table) == []
    table.show_error(
        "events.csv, line 4: a row has 1 field where 9 were expected, and its time is not a "
        "time such as 2:31.\nNothing was written: change what is wrong, or Cancel."
    )
    shown(qtbot, table, out_dir / "import_table_refused.png")
    assert clipped_labels(table) == []

    source = tmp_path / "call.vtt"
    source.write_text(ZOOM, encoding="utf-8")
    transcript = TranscriptImportDialog(demo_store, source, session=3)
    shown(qtbot, transcript, out_dir / "import_transcript.png")
    assert transcript.session.currentData() == 3
    assert clipped_labels(transcript) == []


def test_the_question_that_lines_up_a_recording(qtbot: Any, out_dir: Path) -> None:
    question = text_question(
        None,
        "Line up the recording",
        "Session time at the recording's first frame (e.g. 2:31, or -0:30 if the recording "
        "started before the session clock). Leave 0 if they started together; it can be set "
        "later by marking one moment.",
        "0",
    )
    shown(qtbot, question, out_dir / "line_up_recording.png")
    assert question.width() < 600
    assert clipped_labels(question) == []


def test_a_label_too_small_for_its_text_is_found(qtbot: Any) -> None:
    window = QWidget()
    cut = QLabel("A sentence far too long for forty pixels", window)
    cut.setGeometry(0, 0, 40, 20)
    wrapped = QLabel("Wrapped, but given one line for five lines of text " * 3, window)
    wrapped.setWordWrap(True)
    wrapped.setGeometry(0, 30, 120, 18)
    qtbot.addWidget(window)
    window.show()
    assert len(clipped_labels(window)) == 2
