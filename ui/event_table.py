"""The event list: a table model over the recorder's events, and its view.

The model keeps its own time-ordered copy of the events so that it can announce each
change to Qt *before* it applies it (Qt's rule), and it follows the recorder's change
notices row by row — never a reset per event, so it stays fast with 100,000 events.
Edits go through the recorder (durable, undoable, audited); a refused edit is reported
through ``error`` and changes nothing.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent, QPalette, QStaticText
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from observer.domain.clock import format_time, parse_time
from observer.domain.errors import ObserverError
from observer.domain.events import Changes, Event
from observer.workspace.recording import Recorder
from ui import style

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

COLUMNS = ("Time", "Actor", "Target", "Code", "Modifiers", "Note")
TIME, ACTOR, TARGET, CODE, MODIFIERS, NOTE = range(len(COLUMNS))
NO_TARGET = "—"
Index = QModelIndex | QPersistentModelIndex


def _key(e: Event) -> tuple[int, int]:
    return e.sort_key


_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsEditable
    | Qt.ItemFlag.ItemNeverHasChildren
)
_ROLES = frozenset(
    (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.UserRole,
    )
)


@functools.cache
def _selected_state() -> Any:
    """QStyle's "selected" flag, imported when first drawn: QStyle's many enums cost ~15 ms."""
    from PySide6.QtWidgets import QStyle

    return QStyle.StateFlag.State_Selected


def _tenths(ms: int) -> str:
    """Session time to a tenth of a second: enough to read, short enough to scan."""
    return format_time(ms)[:-2]


class EventTableModel(QAbstractTableModel):
    """Rows are events in time order; every column editable through the recorder."""

    error = Signal(str)

    def __init__(self, recorder: Recorder, parent: Any = None) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self.info = recorder.info
        self.palette_ = recorder.palette
        self._events: list[Event] = list(recorder.events)
        self._by_id: dict[int, Event] = {e.id: e for e in self._events}
        self._labels = dict(self.info.labels)  # two members called Sam shown apart
        self._colours = {c.id: QColor(c.colour) for c in self.palette_.codes}
        self._states = {c.id for c in self.palette_.codes if c.is_state}
        self._shown: dict[int, tuple[str, ...]] = {}
        self._unsubscribe: Callable[[], None] = recorder.subscribe(self._on_changes)

    def close(self) -> None:
        self._unsubscribe()

    # --- reading -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def event_at(self, row: int) -> Event:
        return self._events[row]

    def row_of(self, event_id: int) -> int:
        """The row of an event, or -1."""
        event = self._by_id.get(event_id)
        if event is None:
            return -1
        return bisect.bisect_left(self._events, event.sort_key, key=_key)

    def label(self, key: str) -> str:
        return self._labels.get(key, key)

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """People renamed elsewhere: every row is drawn again with the names as they are now."""
        self.info = self.recorder.info
        self._labels = dict(labels)
        self._shown.clear()
        if self._events:
            last = self.index(len(self._events) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def code_label(self, code_id: str) -> str:
        code = self.palette_.code(code_id)
        return code.label if code is not None else code_id

    def modifiers_text(self, event: Event) -> str:
        code = self.palette_.code(event.code)
        parts = []
        for set_id, value in event.modifiers.items():
            mset = self.palette_.modifier_set(set_id, code) if code is not None else None
            found = mset.value(value) if mset is not None else None
            parts.append(found.label if found is not None else value)
        return ", ".join(parts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for a dozen roles per cell on every paint; answer the unused ones first.
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        e = self._events[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.shown(index.row())[col]
        if role == Qt.ItemDataRole.EditRole:
            if col == TIME:
                return format_time(e.time_ms)
            if col == ACTOR:
                return e.actor
            if col == TARGET:
                return e.targets[0] if e.targets else ""
            if col == CODE:
                return e.code
            if col == MODIFIERS:
                return self.modifiers_text(e)
            if col == NOTE:
                return e.note
        if role == Qt.ItemDataRole.DecorationRole and col == CODE:
            return self._colours.get(e.code)
        if role == Qt.ItemDataRole.ToolTipRole and col == CODE:
            code = self.palette_.code(e.code)
            return code.definition if code is not None else None
        if role == Qt.ItemDataRole.UserRole:
            return e.id
        return None

    def shown(self, row: int) -> tuple[str, ...]:
        """The row's text as displayed (cached per event)."""
        e = self._events[row]
        shown = self._shown.get(e.id)
        if shown is None:
            shown = self._shown[e.id] = self._display(e)
        return shown

    def colour(self, row: int) -> QColor | None:
        return self._colours.get(self._events[row].code)

    def _display(self, e: Event) -> tuple[str, ...]:
        """A row as people read it (kept per event: rows are painted again and again)."""
        code = self.code_label(e.code)
        if e.end_ms is not None:
            code = f"{code}  · until {_tenths(e.end_ms)}"
        elif e.code in self._states:
            code = f"{code}  · running"
        return (
            _tenths(e.time_ms),
            self.label(e.actor),
            ", ".join(self.label(t) for t in e.targets),
            code,
            self.modifiers_text(e),
            e.note,
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # --- editing -------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        e = self._events[index.row()]
        try:
            changes = self._changes_for(e, index.column(), value)
            if changes:
                self.recorder.edit(e.id, **changes)
        except (ObserverError, ValueError) as exc:
            self.error.emit(str(exc))
            return False
        return True

    def _changes_for(self, e: Event, column: int, value: Any) -> dict[str, Any]:
        text = "" if value is None else str(value)
        if column == TIME:
            time_ms = parse_time(text)
            if e.end_ms is not None:
                # Moving a state moves its end with it.
                return {"time_ms": time_ms, "end_ms": e.end_ms + time_ms - e.time_ms}
            return {"time_ms": time_ms}
        if column == ACTOR:
            return {"actor": self._participant(text)}
        if column == TARGET:
            return {"targets": [self._participant(text)] if text and text != NO_TARGET else []}
        if column == CODE:
            code = self.palette_.code(text) or next(
                (c for c in self.palette_.codes if c.label == text), None
            )
            if code is None:
                raise ValueError(f"Unknown code {text!r}.")
            return {"code": code.id}
        if column == MODIFIERS:
            return {"modifiers": self._modifiers(e, text)}
        if column == NOTE:
            return {"note": text}
        return {}

    def _participant(self, text: str) -> str:
        if text in self._labels:
            return text
        for key, label in self._labels.items():
            if label.lower() == text.strip().lower():
                return key
        raise ValueError(f"No one called {text!r} in this session.")

    def _modifiers(self, e: Event, text: str) -> dict[str, str]:
        """'Negative, high' → {valence: negative, intensity: high}, by value id or label."""
        code = self.palette_.code(e.code)
        if code is None:
            return {}
        out: dict[str, str] = {}
        for word in (w.strip().lower() for w in text.split(",")):
            if not word:
                continue
            for set_id in code.modifiers:
                mset = self.palette_.modifier_set(set_id, code)
                if mset is None or set_id in out:
                    continue
                value = next((v for v in mset.values
                              if word in (v.id.lower(), v.label.lower())), None)  # fmt: skip
                if value is not None:
                    out[set_id] = value.id
                    break
            else:
                raise ValueError(f"{word!r} is not a modifier of {code.label}.")
        return out

    # --- following the recorder ----------------------------------------------------------

    def _on_changes(self, changes: Changes) -> None:
        for event in changes.changed:
            self._shown.pop(event.id, None)
        for event_id in changes.removed:
            self._shown.pop(event_id, None)
        for event_id in changes.removed:
            self._remove(event_id)
        for event in changes.changed:
            old = self._by_id.get(event.id)
            if old is not None and old.sort_key == event.sort_key:
                row = self.row_of(event.id)
                self._events[row] = event
                self._by_id[event.id] = event
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            else:
                self._remove(event.id)
                self._insert(event)
        for event in changes.added:
            self._insert(event)

    def _insert(self, event: Event) -> None:
        row = bisect.bisect_right(self._events, event.sort_key, key=_key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._events.insert(row, event)
        self._by_id[event.id] = event
        self.endInsertRows()

    def _remove(self, event_id: int) -> None:
        row = self.row_of(event_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._events[row]
        del self._by_id[event_id]
        self.endRemoveRows()


class EventDelegate(QStyledItemDelegate):
    """Choices from the coding for actor, target and code; plain text for the rest."""

    def __init__(self, model: EventTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.model_ = model
        self._ink = QColor(style.INK)
        self._selected = QColor("#dcebf7")
        self._alternate = QColor("#f8f9fb")

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Rows are painted directly from the model's cached text: the table is repainted
        on every event while coding, and the generic path asks a dozen questions per cell."""
        row, col = index.row(), index.column()
        text = self.model_.shown(row)[col]
        rect = option.rect
        state = option.state
        if state & _selected_state():
            painter.fillRect(rect, self._selected)
        elif row % 2:
            painter.fillRect(rect, self._alternate)
        left = rect.left() + 6
        if col == CODE:
            colour = self.model_.colour(row)
            if colour is not None:
                painter.fillRect(
                    QRect(left, rect.top() + (rect.height() - 10) // 2, 10, 10), colour
                )
                left += 16
        if text:
            painter.setPen(self._ink)
            room = QRect(left, rect.top(), rect.right() - left - 4, rect.height())
            metrics = option.fontMetrics
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room.width())
            painter.drawText(room, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             shown)  # fmt: skip

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        col = index.column()
        if col in (ACTOR, TARGET, CODE):
            combo = QComboBox(parent)
            if col == CODE:
                for code in self.model_.palette_.codes:
                    combo.addItem(code.label, code.id)
            else:
                if col == TARGET:
                    combo.addItem(NO_TARGET, "")
                for p in self.model_.info.participants:
                    combo.addItem(self.model_.info.label(p.key), p.key)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            editor.setCurrentIndex(max(0, editor.findData(value)))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class EventTable(QTableView):
    """The event list view: compact rows, Delete deletes, typed keys go to the entry."""

    delete_requested = Signal(list)
    selected_event = Signal(int)

    def __init__(self, model: EventTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here rather than by Qt: the first time Python is handed a widget
        # Qt made, PySide checks it against every widget class, which took ~25 ms of start-up.
        viewport = QWidget()
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self.setModel(model)
        self.model_ = model
        self.setItemDelegate(EventDelegate(model, self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setStyleSheet(style.HEADER_SHEET)  # on the header only: the rows draw themselves
        header.setHighlightSections(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)

        # Sessions run past an hour: the time column fits "1:08:12.3".
        # The Note column stretches to fill the rest, never below the width it starts at:
        # start it narrow, or a 1280-pixel window scrolls sideways by a few pixels.
        for col, width in ((TIME, 76), (ACTOR, 78), (TARGET, 78), (CODE, 160), (MODIFIERS, 90),
                           (NOTE, 48)):  # fmt: skip
            self.setColumnWidth(col, width)
        self.setAccessibleName("Event list")
        self.follow_end = True
        # Elided row text laid out once per (text, width): shaping text is most of a repaint.
        self._texts: dict[tuple[str, int], QStaticText] = {}
        self._ink = QColor(style.INK)
        self._selected_fill = QColor("#dcebf7")
        self._alternate_fill = QColor("#f8f9fb")
        model.rowsInserted.connect(self._after_insert)
        selection = self.selectionModel()
        selection.currentRowChanged.connect(self._current_changed)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [self.model_.event_at(r).id for r in rows]

    def select_event(self, event_id: int) -> None:
        row = self.model_.row_of(event_id)
        if row < 0:
            return
        index = self.model_.index(row, 0)
        self.setCurrentIndex(index)
        self.selectRow(row)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.selected_event.emit(self.model_.event_at(current.row()).id)

    def _after_insert(self, _parent: QModelIndex, first: int, _last: int) -> None:
        # Live coding: keep the newest event in view while the observer is at the end; an
        # event recorded earlier in time (a late entry) is brought into view where it lands.
        if not self.follow_end:
            return
        if first >= self.model_.rowCount() - 2:
            self.scrollToBottom()
        else:
            self.scrollTo(self.model_.index(first, 0), QAbstractItemView.ScrollHint.EnsureVisible)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the rows in view straight from the model's cached text.

        Every recorded event shifts the rows, so the whole view is repainted per event;
        the generic path (a delegate call, a style option and a dozen data() questions per
        cell, text shaped anew each time) took most of a frame. Here it is one pass over
        the rows in view with text laid out once. Editors are widgets and paint themselves.
        """
        model = self.model_
        count = model.rowCount()
        if not count:
            return
        area = event.rect()
        first = self.rowAt(area.top())
        if first < 0:
            return
        last = self.rowAt(area.bottom())
        if last < 0:
            last = count - 1
        header = self.horizontalHeader()
        columns = [
            (col, self.columnViewportPosition(col), self.columnWidth(col))
            for col in range(len(COLUMNS))
            if not header.isSectionHidden(col)
        ]
        right = max((x + w for _c, x, w in columns), default=0)
        selection = self.selectionModel()
        root = QModelIndex()
        painter = QPainter(self.viewport())
        painter.setPen(self._ink)
        metrics = self.fontMetrics()
        height = self.rowHeight(first)
        text_top = (height - metrics.height()) / 2
        for row in range(first, last + 1):
            top = self.rowViewportPosition(row)
            if selection.isRowSelected(row, root):
                painter.fillRect(QRect(0, top, right, height), self._selected_fill)
            elif row % 2:
                painter.fillRect(QRect(0, top, right, height), self._alternate_fill)
            shown = model.shown(row)
            for col, x, width in columns:
                left = x + 6
                if col == CODE:
                    colour = model.colour(row)
                    if colour is not None:
                        painter.fillRect(QRect(left, top + (height - 10) // 2, 10, 10), colour)
                        left += 16
                text = shown[col]
                room = x + width - 4 - left
                if text and room > 0:
                    painter.drawStaticText(QPointF(left, top + text_top), self._text(text, room))
        painter.end()

    def _text(self, text: str, width: int) -> QStaticText:
        key = (text, width)
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) > 4000:
                self._texts.clear()  # the rows in view need a few hundred at most
            elided = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
            found = self._texts[key] = QStaticText(elided)
            found.setTextFormat(Qt.TextFormat.PlainText)
        return found

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() == Qt.Key.Key_Delete
            and self.state() != QAbstractItemView.State.EditingState
        ):
            ids = self.selected_ids()
            if ids:
                self.delete_requested.emit(ids)
                return
        super().keyPressEvent(event)
