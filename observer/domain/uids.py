"""Globally unique ids of events: given once, when an event is first written anywhere."""

from __future__ import annotations

import uuid


def new_uid() -> str:
    """A fresh event id (a random UUID as text), unique across laptops and servers."""
    return str(uuid.uuid4())
