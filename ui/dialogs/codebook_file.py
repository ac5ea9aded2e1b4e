"""Adding a codebook file from the app: one way, wherever it is offered.

The file's problems are shown as the command line's ``codebook validate`` words them
(``FILE:LINE: field: message``), in a dialog; nothing is added then.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from observer.domain.errors import ObserverError
from observer.workspace.changes import Kind
from observer.workspace.coding_records import stored_codebooks
from observer.workspace.workspace import Workspace

FILTER = "Codebooks (*.yaml *.yml);;All files (*)"


def choose_codebook_file(parent: QWidget) -> str:
    """The file the user picks, or "" when they cancel."""
    path, _ = QFileDialog.getOpenFileName(parent, "Add codebook file", "", FILTER)
    return path


def add_codebook_file(workspace: Workspace, path: str | Path, parent: QWidget) -> str | None:
    """Keep the file's codebook; its id, or None after showing why it was refused.

    The refusal box is left on ``parent.confirmation`` so that it stays open (and tests
    can read it).
    """
    try:
        changes = workspace.add_codebook_file(path)
    except ObserverError as exc:
        box = QMessageBox(QMessageBox.Icon.Warning, "This codebook cannot be added",
                          f"{Path(path).name} has problems; nothing was added.",
                          QMessageBox.StandardButton.Ok, parent)  # fmt: skip
        box.setInformativeText(str(exc))
        box.setDetailedText(str(exc))
        parent.confirmation = box  # type: ignore[attr-defined]
        box.open()
        return None
    pk = changes.changed[Kind.CODEBOOK][0]
    return next(b.id for b in stored_codebooks(workspace.store) if b.pk == pk)
