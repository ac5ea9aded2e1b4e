"""The one bridge from the core's change-sets to Qt signals.

Every operation on an open database announces one change-set on its notice board
(``observer.workspace.changes``). The bridge of that database turns each into a Qt
signal, always in the GUI thread (a change made by an import in a worker thread is
handed over there), and windows refresh from those signals only.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, Signal, Slot

from observer.workspace.changes import ChangeSet, Kind, Notices


class Bridge(QObject):
    """The change-sets of one open database as a Qt signal: ``changed(ChangeSet)``."""

    changed = Signal(object)
    _arrived = Signal(object)  # from any thread; delivered in the bridge's own thread

    def __init__(self, notices: Notices) -> None:
        super().__init__()
        # A bound method of this QObject: queued when a worker thread announces.
        self._arrived.connect(self._deliver)
        self._stop = notices.subscribe(self._arrived.emit)

    @Slot(object)
    def _deliver(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)

    def stop(self) -> None:
        """Hear nothing more (the database is closed)."""
        self._stop()


_BRIDGES: weakref.WeakKeyDictionary[Notices, Bridge] = weakref.WeakKeyDictionary()


def bridge_for(notices: Notices) -> Bridge:
    """The bridge of a database's notices: made on first use, one per open database."""
    bridge = _BRIDGES.get(notices)
    if bridge is None:
        bridge = _BRIDGES[notices] = Bridge(notices)
    return bridge


class CodingNotices(QObject):
    """What one window of a coding hears: ``changed(Changes)`` when its events or notes change.

    The window's own relay, dropped with ``stop()`` when it closes, so nothing it
    connected outlives it (a coding opened again has a new window).
    """

    changed = Signal(object)
    # The coding, its session, group or people were corrected elsewhere: names may differ.
    records_changed = Signal()

    def __init__(self, notices: Notices, coding_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.coding_id = coding_id
        self._bridge: Bridge | None = bridge_for(notices)
        self._bridge.changed.connect(self._heard)

    @Slot(object)
    def _heard(self, changes: ChangeSet) -> None:
        if changes.events is not None and changes.coding_id == self.coding_id:
            self.changed.emit(changes.events)
        elif self.coding_id in changes.changed.get(Kind.CODING, ()) or any(
            changes.changed.get(kind) for kind in (Kind.GROUP, Kind.MEMBER, Kind.SESSION)
        ):
            self.records_changed.emit()

    def stop(self) -> None:
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._heard)
            self._bridge = None
