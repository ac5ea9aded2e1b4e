"""Errors the core raises with a message meant for the person at the keyboard."""

from __future__ import annotations

from datetime import datetime


class ObserverError(Exception):
    """Base of every error whose message can be shown to a user as it is."""


class StoreError(ObserverError):
    """A database cannot be opened or written safely; nothing was changed."""


class StorageFault(StoreError):
    """The database did not take a write or a read: the disk, the file, a lock or the server.

    Every driver error reaches the app as one of the subclasses below, made in one place
    (``observer.storage.faults``), worded for the person at the keyboard: "Not saved: the
    disk is full. Free some space, then try again." ``uncertain`` is set when the fault
    came while committing: the change may have reached the database after all. The
    Recorder then looks again and says which (``observer.workspace.recording``).
    """

    reason = "the database could not be written"
    reading_reason = "the database could not be read"
    advice = ""

    def __init__(
        self, detail: str = "", *, saving: bool = True, uncertain: bool = False, reason: str = ""
    ) -> None:
        self.saving = saving
        self.uncertain = uncertain and saving
        self.detail = detail
        if reason:
            self.reason = reason
        elif not saving:
            self.reason = self.reading_reason
        super().__init__(self._words())

    def _words(self) -> str:
        if self.uncertain:
            head = (
                f"Perhaps not saved: {self.reason} at the moment of saving, so whether the "
                "change reached the database is not known until it is opened again"
            )
        elif self.saving:
            head = f"Not saved: {self.reason}"
        else:
            head = f"Cannot read the database: {self.reason}"
        return f"{head}. {self.advice}".strip()

    def checked(self, found: str) -> StorageFault:
        """The same fault once the database was looked at again: certainly not saved."""
        fault = type(self)(self.detail, saving=True, reason=self.reason)
        fault.args = (f"{fault.args[0]} {found}",)
        return fault


class DatabaseBusy(StorageFault):
    reason = "another program is writing to the database and did not let go in time"
    reading_reason = reason
    advice = "Try again in a moment."


class DiskFull(StorageFault):
    reason = "the disk is full"
    reading_reason = reason
    advice = "Free some space, then try again."


class DiskError(StorageFault):
    reason = "the disk could not be written (an input/output error)"
    reading_reason = "the disk could not be read (an input/output error)"
    advice = (
        "Check the disk or the network drive; if it keeps happening, copy the database "
        "to a healthy disk."
    )


class ReadOnlyDatabase(StorageFault):
    reason = "the database file cannot be written any more (it is read-only now)"
    reading_reason = reason
    advice = "Make it writable again, then try again."


class ConnectionLost(StorageFault):
    reason = "the connection to the database server was lost"
    reading_reason = reason
    advice = "Check the network and the server, then try again."


class OutsideYourShare(StorageFault):
    """A clinic's server refused: the signed-in person's role does not include this row."""

    reason = "the server does not let your role change this"
    reading_reason = "the server does not let your role read this"
    advice = "Open it read-only, or ask a supervisor (see docs/server.md, the roles)."


class DatabaseDamaged(StorageFault):
    reason = "the database file is damaged"
    reading_reason = reason
    advice = "Stop here and restore it from a backup, or ask for help recovering it."


class CodingTakenOver(StorageFault):
    """This coding's lock is no longer this window's: someone else took the coding over."""

    advice = "Close this window: the coding is being recorded elsewhere now."


class ReadOnlyCoding(StorageFault):
    """The coding was opened read-only, because it is open elsewhere (who: in the reason)."""


class CodingInUse(StoreError):
    """A coding is open for recording elsewhere: who, where, since when, and what may be done.

    ``can_take_over`` is true only when that holder is gone (its heartbeat is stale, or it
    ran on this computer and its process has ended); otherwise it may be opened read-only.
    """

    def __init__(
        self,
        coding_id: int,
        holder: str,
        host: str,
        pid: int,
        since: datetime,
        heartbeat: datetime,
        can_take_over: bool,
        this_host: bool,
    ) -> None:
        self.coding_id = coding_id
        self.holder = holder
        self.host = host
        self.pid = pid
        self.since = since
        self.heartbeat = heartbeat
        self.can_take_over = can_take_over
        self.this_host = this_host
        local = since.astimezone().strftime("%H:%M")
        where = "on this computer" if this_host else f"on host {host}"
        gone = (
            " That app seems to be gone: it may be taken over."
            if can_take_over
            else " It can be opened read-only."
        )
        super().__init__(f"Coding {coding_id} is open {where} by {holder} since {local}.{gone}")


class NotFound(ObserverError):
    """A group, session, coding or event that does not exist."""


class InputError(ObserverError):
    """Input from a file or a person that cannot be used; nothing was written."""


class Refused(InputError):
    """One value or event that cannot be kept: the field, why, and (from a file) where.

    Recording, editing and every import raise the same ``Refused`` for the same mistake, so
    the words are the same wherever it was made; only the place in front differs. Without a
    place (a person at the keyboard) the message stands alone.
    """

    def __init__(self, field: str, message: str, where: str = "") -> None:
        self.field = field
        self.message = message
        self.where = where
        super().__init__(f"{where}: {field}: {message}" if where else message)

    def at(self, where: str) -> Refused:
        """The same refusal, placed (a file and line, ``events[3]``, an observation's event)."""
        return Refused(self.field, self.message, where)


class PassphraseNeeded(StoreError):
    """The file is encrypted (or not a database at all) and no passphrase was given."""


class WrongPassphrase(StoreError):
    """The passphrase given does not open the encrypted file; nothing was changed."""
