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
