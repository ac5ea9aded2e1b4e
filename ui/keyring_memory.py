"""A passphrase the user asked to have remembered, in the system keyring (never a file).

Nothing is remembered unless the user ticks it; a keyring that is missing or fails is
the same as one that remembers nothing.
"""

from __future__ import annotations

from observer.storage.cipher import Passphrase

SERVICE = "group-process-observer"


def remembered(location: str) -> Passphrase | None:
    try:
        import keyring

        text = keyring.get_password(SERVICE, location)
    except Exception:  # no keyring on this system, or it is locked: ask instead
        return None
    return Passphrase(text) if text else None


def remember(location: str, passphrase: Passphrase) -> bool:
    """Keep the passphrase for ``location``; False when the keyring did not take it."""
    try:
        import keyring

        keyring.set_password(SERVICE, location, passphrase.text())
    except Exception:
        return False
    return True


def forget(location: str) -> None:
    try:
        import keyring

        keyring.delete_password(SERVICE, location)
    except Exception:
        pass  # nothing remembered, or no keyring
