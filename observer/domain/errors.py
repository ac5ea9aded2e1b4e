"""Errors the core raises with a message meant for the person at the keyboard."""

from __future__ import annotations


class ObserverError(Exception):
    """Base of every error whose message can be shown to a user as it is."""


class StoreError(ObserverError):
    """A database cannot be opened or written safely; nothing was changed."""


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
