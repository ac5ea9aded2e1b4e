"""Menu actions shared by the start screen and the coding window.

File ▸ Import…, Export… and Supervision report… in both windows; on the start screen the
Review menu and its buttons: review a coding with its recording, attach a recording,
agreement between observers, and practice (reference, attempt, feedback). The work is
done by the core and the views; this module only asks the questions and wires them up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from observer.domain.errors import ObserverError
from observer.storage.store import Store
from ui.layout import menu_action, offer
from ui.settings import keyboard_initials
from ui.start_reasons import DOES, SELECT_CODING, Picked, reasons

if TYPE_CHECKING:  # the start screen's menus need no Recorder loaded
    from observer.workspace.progress import Progress
    from observer.workspace.recording import Recorder
    from ui.background import Job
    from ui.dialogs.export_dialog import ExportChoice
    from ui.group_course_view import GroupCourseView
    from ui.start_screen import StartScreen


def add_file_actions(
    parent: QWidget,
    menu: QMenu,
    store: Store,
    coding_id: Callable[[], int | None],
    session_id: Callable[[], int | None] = lambda: None,
) -> dict[str, QAction]:
    """File ▸ Import…, Export coding…, Supervision report… (of ``coding_id()``).

    An import is announced by the workspace: the windows that list codings hear of it.
    It offers ``session_id()`` (the session selected) as the one the file was coded in.
    """

    def do_import() -> None:
        from observer.workspace.workspace import Workspace
        from ui.import_export import import_with_progress

        import_with_progress(parent, Workspace(store), selected_session=session_id())

    def do_turns_from_audio() -> None:
        from observer.workspace.workspace import Workspace
        from ui.voice_activity import turns_from_audio

        turns_from_audio(parent, Workspace(store))

    def do_export() -> None:
        chosen = _need_coding(parent, store, coding_id(), "Export", "export")
        if chosen is not None:
            from ui.import_export import export_with_progress

            export_with_progress(parent, store, chosen)

    def do_report() -> None:
        chosen = _need_coding(
            parent, store, coding_id(), "Supervision report", "write the report of"
        )
        if chosen is not None:
            write_report(parent, store, chosen)

    actions = {
        "import": menu_action(menu, "&Import…", "Ctrl+I", do_import, parent=parent),
        "turns_from_audio": menu_action(
            menu, "Speaking turns from a&udio…", None, do_turns_from_audio, parent=parent
        ),
        "export": menu_action(menu, "&Export coding…", "Ctrl+E", do_export, parent=parent),
        "report": menu_action(
            menu, "Supervision re&port (PDF)…", "Ctrl+R", do_report, parent=parent
        ),
    }
    menu.addSeparator()
    return actions


def _need_coding(
    parent: QWidget, store: Store, coding_id: int | None, title: str, what: str
) -> int | None:
    """The coding to work on; with none selected, say why nothing happens (and what to do)."""
    if coding_id is None:
        from observer.storage.overview import has_codings
        from ui.import_export import show_message

        if has_codings(store):
            show_message(parent, title, f"Select the coding to {what} in the list first.")
        else:
            show_message(
                parent,
                title,
                f"This database has no codings yet, so there is no coding to {what}. Load "
                "the demo group, set up a group, a session and a coding (Group menu), or "
                "import a coding (File ▸ Import…).",
            )
    return coding_id


def write_report(parent: QWidget | None, store: Store, coding_id: int) -> Job | None:
    """Ask where, then write the supervision report of a stored coding as a PDF.

    The report is drawn on a worker thread; returns its job (None when no file was chosen).
    """
    from observer.storage.coding_info import coding_info
    from ui.dialogs.export_dialog import ask_report

    choice = ask_report(parent, coding_info(store, coding_id).title)
    if choice is None:
        return None
    return report_in_background(parent, store, coding_id, choice)


def report_in_background(
    parent: QWidget | None, store: Store, coding_id: int, choice: ExportChoice
) -> Job:
    """Write the report as chosen on a worker thread; say where it went, or why not."""
    from ui.background import run_in_background

    unlogged: list[str] = []  # the report is kept even when its access cannot be logged
    path = choice.path

    def work(progress: Progress) -> int:
        from observer.report import report_for_coding

        return report_for_coding(
            store, coding_id, path, progress, choice.deidentify, dates=choice.dates,
            who=keyboard_initials(), unlogged=unlogged.append,
        )  # fmt: skip

    def written(pages: int) -> None:
        text = " ".join([f"Wrote the report ({pages} pages) to {path}.", *unlogged])
        if isinstance(parent, QMainWindow):
            parent.statusBar().showMessage(text, 8000)

    job = run_in_background(parent, "Supervision report", f"Writing {path.name}…", work)
    job.done.connect(written)
    job.failed.connect(lambda message: QMessageBox.warning(parent, "Supervision report", message))
    return job


def chart_sources(recorder: Recorder, parent: QWidget | None = None) -> dict[str, Any]:
    """The charts dock's report (from the database: notes included) and the group's trends."""
    store, coding_id, group_id = recorder.store, recorder.coding_id, recorder.info.group_id

    def report(choice: ExportChoice) -> None:
        # The charts dock's button: over the window it is docked in.
        report_in_background(parent or QApplication.activeWindow(), store, coding_id, choice)

    def trends() -> Any:
        from observer.workspace.group_course import group_trends

        return group_trends(store, group_id)

    return {"report": report, "trends": trends}


class StartActions:
    """The start screen's File items, its Review menu and the matching buttons."""

    def __init__(self, screen: StartScreen, file_menu: QMenu, before: QAction) -> None:
        self.screen = screen
        file_items = QMenu(screen)  # built apart, then put above File ▸ Quit
        self.file_actions = add_file_actions(
            screen, file_items, screen.store, self._coding, self._session
        )
        for action in file_items.actions():
            file_menu.insertAction(before, action)
        menu = screen.menuBar().addMenu("&Review")
        menu.setToolTipsVisible(True)  # a greyed-out item says why
        self.review = menu_action(menu, "Review with &recording…", "Ctrl+Shift+R",
                              self.review_with_recording, parent=screen)  # fmt: skip
        self.attach = menu_action(
            menu, "&Attach recording…", None, self.attach_recording, parent=screen
        )
        self.agreement = menu_action(
            menu, "A&greement…", "Ctrl+Shift+A", self.open_agreement, parent=screen
        )
        menu.addSeparator()
        self.reference = menu_action(
            menu, "Mark as &reference", None, self.toggle_reference, parent=screen
        )
        self.attempt = menu_action(
            menu, "Start &practice attempt…", None, self.start_attempt, parent=screen
        )
        self.feedback = menu_action(
            menu, "Practice feed&back…", None, self.open_feedback, parent=screen
        )
        menu.addSeparator()
        self.access = menu_action(menu, "Access &log…", None, self.show_access_log, parent=screen)
        self.initials = menu_action(menu, "Your &initials…", None, self.ask_initials, parent=screen)
        self.initials.setToolTip("Who the access log names when you open, export or report")
        menu.addSeparator()
        # The group view (its course over sessions, members' ratings) from the start screen too.
        self.course = menu_action(
            menu, "&Course of the group…", None, self.show_course, parent=screen
        )
        self.ratings = menu_action(
            menu, "Enter session ra&tings…", None, self.enter_ratings, parent=screen
        )
        self.buttons: dict[str, QPushButton] = {}
        for name, text, action in (
            ("review", "Review &with recording…", self.review),
            ("attach", "&Attach recording…", self.attach),
            ("agreement", "Agr&eement…", self.agreement),
            ("reference", "Mark as refere&nce", self.reference),
            ("attempt", "Start &practice attempt…", self.attempt),
            ("feedback", "Practice feed&back…", self.feedback),
        ):
            button = QPushButton(text)
            button.setObjectName(f"{name}Button")
            button.clicked.connect(action.trigger)
            screen.more_actions.addWidget(button)
            self.buttons[name] = button
        # The screen calls ``update`` whenever its selection or list changes.
        self.windows: list[QWidget] = []  # agreement and feedback windows kept open
        self.update()

    @property
    def flow(self) -> Any:
        """The practice and review dialogs, loaded when first used (they need the ORM)."""
        from ui import practice_flow

        return practice_flow

    def ask_initials(self) -> None:
        from ui.dialogs.initials_dialog import ask_initials

        ask_initials(self.screen)

    # --- what is selected ----------------------------------------------------------------

    def _coding(self) -> int | None:
        from ui.start_screen import CODING

        return self.screen.selected(CODING)

    def _session(self) -> int | None:
        from ui.start_screen import SESSION

        return self.screen.selected(SESSION)

    def update(self) -> None:
        """Enable what fits the selection; the reference action says which way it goes."""
        from observer.storage.coding_info import coding_info

        coding, session = self._coding(), self._session()
        info = None
        if coding is not None:
            try:
                info = coding_info(self.screen.store, coding)
            except ObserverError:
                info = None
        practice = info is not None and info.practice_of_id is not None
        reference = info is not None and info.is_reference
        from ui.start_screen import GROUP

        picked = Picked(
            group=self.screen.selected(GROUP) is not None,
            session=session is not None,
            coding=info is not None,
            reference=reference,
            practice=practice,
        )
        self.reference.setText("Un&mark as reference" if reference else "Mark as &reference")
        self.buttons["reference"].setText(
            "Unmark as refere&nce" if reference else "Mark as refere&nce"
        )
        controls: dict[str, list[QAction | QWidget]] = {
            name: [getattr(self, name), button] for name, button in self.buttons.items()
        }
        for name, more in getattr(self.screen, "controls", {}).items():
            controls[name] = more
        for name, reason in reasons(picked).items():
            offer(reason, DOES[name], *controls.get(name, ()))
        who_saw = "Who opened, exported or reported the selected coding, and when."
        offer(None if info is not None else SELECT_CODING, who_saw, self.access)
        offer(None if picked.group else "Select a group first.",
              "The group's course over its sessions: trends, climate, members, flags.",
              self.course)  # fmt: skip
        offer(None if picked.session else "Select a session first.",
              "Type the members' end-of-session forms for the selected session.",
              self.ratings)  # fmt: skip

    # --- actions -------------------------------------------------------------------------

    def review_with_recording(self) -> None:
        coding = self._coding()
        if coding is None:
            return
        media_id = self.flow.choose_recording(self.screen, self.screen.workspace, coding)
        if media_id is not None:
            self.screen.review_coding.emit(coding, media_id)

    def attach_recording(self) -> None:
        session = self._session()
        if session is None:
            return
        media_id = self.flow.attach_recording(self.screen, self.screen.workspace, session)
        if media_id is not None:
            from observer.workspace.media import get_media  # the ORM loads after the first paint

            media = get_media(self.screen.workspace.store, media_id)
            self.screen.statusBar().showMessage(f"Attached {media.summary()}.", 15000)

    def open_agreement(self) -> None:
        session = self._session()
        if session is not None:
            self._keep(self.flow.agreement_window(self.screen.store, session))

    def toggle_reference(self) -> None:
        coding = self._coding()
        if coding is not None:  # the screen hears of it and redraws, the coding still selected
            self.flow.toggle_reference(self.screen, self.screen.workspace, coding)

    def start_attempt(self) -> None:
        coding = self._coding()
        if coding is None:
            return
        attempt = self.flow.start_attempt(self.screen, self.screen.workspace, coding)
        if attempt is not None:
            self.screen.select("coding", attempt)
            self.screen.open_coding.emit(attempt)

    def open_feedback(self) -> None:
        coding = self._coding()
        if coding is not None:
            self._keep(self.flow.FeedbackWindow(self.screen.store, coding))

    def show_course(self) -> GroupCourseView | None:
        """The group view of the selected group (one window per group, kept while open)."""
        from ui.group_course_view import GroupCourseView
        from ui.start_screen import GROUP

        group = self.screen.selected(GROUP)
        if group is None:
            return None
        for window in self.windows:
            if isinstance(window, GroupCourseView) and window.group_id == group:
                window.show()
                window.raise_()
                return window
        view = GroupCourseView(self.screen.workspace, group)
        view.setWindowFlag(Qt.WindowType.Window)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.resize(1280, 800)
        self._keep(view)
        return view

    def enter_ratings(self) -> None:
        session = self._session()
        view = self.show_course()
        if view is not None and session is not None:
            view.open_grid(session)

    def show_access_log(self) -> None:
        coding = self._coding()
        if coding is not None:
            from ui.dialogs.access_log import AccessLogDialog

            dialog = AccessLogDialog(self.screen.store, coding, self.screen)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._keep(dialog)

    def _keep(self, window: QWidget) -> None:
        self.windows.append(window)
        window.destroyed.connect(lambda _=None, w=window: self._forget(w))
        window.show()
        window.raise_()
        window.activateWindow()

    def _forget(self, window: QWidget) -> None:
        if window in self.windows:
            self.windows.remove(window)


def ask_text(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    """One line of text from the user; None when cancelled (replaced in tests)."""
    from ui.dialogs.common import text_question

    dialog = text_question(parent, title, label, text)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue().strip() if ok else None
