"""New coding of a session: the observer, their capacity, the codebooks, the clock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer.domain.codebook import KeyClashError
from observer.domain.errors import InputError
from observer.domain.wording import counted, plural
from observer.storage.models import CAPACITIES, CLOCK_MODES
from observer.workspace.changes import Kind
from observer.workspace.codings import available_codebooks, latest_capacities, list_observers
from observer.workspace.workspace import Workspace
from ui.dialogs.codebook_file import add_codebook_file, choose_codebook_file
from ui.dialogs.common import SetupDialog

DEFAULT_BOOKS = ("here-and-now", "bion")


class NewCodingDialog(SetupDialog):
    """Observer initials (remembered ones offered), capacity, codebooks to use, clock mode."""

    def __init__(
        self,
        workspace: Workspace,
        session_id: int,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("New coding", parent)
        self.workspace = workspace
        store = workspace.store
        self.session_id = session_id
        form = QFormLayout()
        self.observer = QComboBox()
        self.observer.setEditable(True)
        self.observer.setPlaceholderText("your initials")
        known = list_observers(store)
        self.capacities = latest_capacities(store)
        self.observer.addItems([o.initials for o in known])
        self.observer.setCurrentText("")
        self.capacity = QComboBox()
        self.capacity.addItems(list(CAPACITIES))
        self.observer.currentTextChanged.connect(self._known_capacity)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. live, co-therapist")
        self.clock = QComboBox()
        self.clock.addItems(list(CLOCK_MODES))
        self.books = QListWidget()
        self.books.setMinimumHeight(110)
        self.fill_books(set(DEFAULT_BOOKS))
        self.books.setCurrentRow(0)
        add_file = QPushButton("Add codebook &file…")
        add_file.setAutoDefault(False)  # Enter in the form creates the coding, never a file dialog
        add_file.clicked.connect(self.choose_file)
        books_column = QVBoxLayout()
        books_column.addWidget(self.books)
        books_column.addWidget(add_file, 0, Qt.AlignmentFlag.AlignLeft)
        if title:
            form.addRow("Session:", QLineEdit(title, readOnly=True))
        form.addRow("&Observer:", self.observer)
        form.addRow("&Capacity:", self.capacity)
        form.addRow("Na&me:", self.name)
        form.addRow("C&lock:", self.clock)
        books_label = QLabel("Code&books:")
        books_label.setBuddy(self.books)  # Alt+B still reaches the list inside its column
        form.addRow(books_label, books_column)
        self.body.addLayout(form)
        # Shown when two chosen codebooks want the same key: a key per later code.
        self.keys_box = QGroupBox("Keys for this coding")
        self.keys_form = QFormLayout(self.keys_box)
        self.key_edits: dict[str, QLineEdit] = {}
        self.keys_box.hide()
        self.body.addWidget(self.keys_box)
        self.finish_layout("Create coding")
        self.resize(460, 420)

    def _known_capacity(self, initials: str) -> None:
        if initials in self.capacities:
            self.capacity.setCurrentText(self.capacities[initials])

    def fill_books(self, checked: set[str]) -> None:
        """List every codebook a coding can use, the ones in ``checked`` ticked."""
        self.books.clear()
        # The usual pair first: the first codebook keeps a shortcut key two books share.
        order = {book_id: i for i, book_id in enumerate(DEFAULT_BOOKS)}
        # The usual pair, then the others as listed: shipped first, the database's own after.
        store = self.workspace.store
        books = sorted(available_codebooks(store), key=lambda b: order.get(b.id, len(order)))
        for book in books:
            count = len(book.codes)
            item = QListWidgetItem(f"{book.name}  ({counted(count, 'code')})")
            item.setData(Qt.ItemDataRole.UserRole, book.id)
            item.setToolTip(book.description)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            tick = Qt.CheckState.Checked if book.id in checked else Qt.CheckState.Unchecked
            item.setCheckState(tick)
            self.books.addItem(item)
        # Every codebook's name whole, without a scroll bar along the bottom.
        room = self.books.sizeHintForColumn(0) + 2 * self.books.frameWidth()
        self.books.setMinimumWidth(room + self.books.verticalScrollBar().sizeHint().width())

    def choose_file(self) -> None:
        path = choose_codebook_file(self)
        if path:
            self.add_file(path)

    def add_file(self, path: str) -> None:
        """Keep a codebook file and tick it for this coding; a bad file's problems are shown."""
        added = add_codebook_file(self.workspace, path, self)
        if added is not None:
            self.fill_books(set(self.codebook_ids()) | {added})
            ids = [self.books.item(r).data(Qt.ItemDataRole.UserRole)
                   for r in range(self.books.count())]  # fmt: skip
            self.books.setCurrentRow(ids.index(added))

    def codebook_ids(self) -> list[str]:
        out = []
        for row in range(self.books.count()):
            item = self.books.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def make(self) -> int:
        initials = self.observer.currentText().strip()
        if not initials:
            raise InputError("Who is coding? Type your initials.")
        try:
            changes = self.workspace.create_coding(
                self.session_id,
                initials,
                self.codebook_ids(),
                clock_mode=self.clock.currentText(),
                name=self.name.text().strip(),
                capacity=self.capacity.currentText(),
                key_overrides=self.key_overrides(),
            )
        except KeyClashError as clash:
            self.ask_keys(clash)
            n = len(clash.clashes)
            raise InputError(
                f"{counted(n, 'code')} of these codebooks {plural(n, 'wants', 'want')} a key "
                "another code has: give each another key below."
            ) from clash
        return changes.new(Kind.CODING)

    def key_overrides(self) -> dict[str, str]:
        """The keys typed for codes whose codebooks want the same key (code id -> key)."""
        return {code: edit.text().strip() for code, edit in self.key_edits.items()
                if edit.text().strip()}  # fmt: skip

    def ask_keys(self, clash: KeyClashError) -> None:
        """Never drop a key silently: ask for another key for each later code that clashes."""
        free = iter(clash.free)
        for item in clash.clashes:
            code = item.other
            if code.id in self.key_edits:
                continue  # asked already; the key typed there clashes again
            edit = QLineEdit(next(free, ""))
            edit.setMaxLength(1)
            edit.setFixedWidth(40)
            edit.setObjectName(f"key:{code.id}")
            self.keys_form.addRow(
                f"{code.label} ({code.codebook}), not {item.key!r} "
                f"(that is {item.kept.label}'s key):",
                edit,
            )
            self.key_edits[code.id] = edit
        self.keys_box.show()
        self.adjustSize()
