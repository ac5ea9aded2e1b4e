"""Encryption at rest: connections to SQLCipher files, and the passphrase that opens them.

An encrypted database is an SQLite database whose every page SQLCipher encrypts
(AES-256) and authenticates (HMAC-SHA512); only the first 16 bytes, a random salt, are
plain. The key is derived from the passphrase and that salt (PBKDF2-HMAC-SHA512, 256,000
rounds: a quarter of a second on purpose, to slow down guessing). Deriving it for every
connection would make each one that slow, so it is derived once per file and handed to
SQLCipher as a raw key. The passphrase is kept in memory only, never written anywhere.

A plain database keeps the standard ``sqlite3`` driver; every connection to a file goes
through :func:`connect`, so the choice is made in one place.
"""

from __future__ import annotations

import sqlite3
import threading
import unicodedata
from pathlib import Path
from typing import Any

from observer.domain.errors import StoreError
from observer.storage.sqlite_file import SQLITE_MAGIC

SALT_BYTES = 16
# SQLCipher 4's defaults: the key derivation a passphrase goes through.
KDF_ROUNDS = 256_000
KEY_BYTES = 32
# Advice only, shown while a passphrase is typed; nothing shorter than MIN_LENGTH is taken.
MIN_LENGTH = 8


class Passphrase:
    """A passphrase held in memory: never printed, compared in constant time.

    The raw key for each file salt is derived once and kept, so that a connection costs
    a millisecond, not the derivation's quarter of a second.
    """

    __slots__ = ("_ahead", "_deriving", "_keys", "_text")

    def __init__(self, text: str) -> None:
        if not text:
            raise StoreError("The passphrase is empty.")
        if "\x00" in text:
            raise StoreError("The passphrase cannot contain a NUL character.")
        # The same passphrase typed on another keyboard or system gives the same key.
        self._text = unicodedata.normalize("NFC", text)
        self._keys: dict[bytes, bytes] = {}
        # One derivation per salt, also when one was started ahead on another thread.
        self._deriving = threading.Lock()
        self._ahead: set[bytes] = set()  # salts whose derivation was started ahead

    def __repr__(self) -> str:
        return "Passphrase(…)"

    def key(self, salt: bytes) -> bytes:
        """The raw key this passphrase gives with a file's salt."""
        with self._deriving:
            found = self._keys.get(salt)
            if found is None:
                import hashlib  # loaded only for an encrypted file: it slows down the start

                found = hashlib.pbkdf2_hmac(
                    "sha512", self._text.encode(), salt, KDF_ROUNDS, KEY_BYTES
                )
                self._keys[salt] = found
        return found

    def derive_ahead(self, path: Path) -> None:
        """Start deriving the key of the encrypted file at ``path`` on a worker thread.

        The derivation (a quarter of a second) lets go of the interpreter while it runs,
        so the app's start goes on beside it; the first connection then waits for it in
        :meth:`key`. A plain, empty or absent file, or a key derived or under way already:
        nothing to do.
        """
        salt = salt_of(path) if path.is_file() and is_encrypted(path) else None
        if salt is not None and salt not in self._keys and salt not in self._ahead:
            self._ahead.add(salt)
            threading.Thread(
                target=self.key, args=(salt,), name="key derivation", daemon=True
            ).start()

    def same_as(self, other: Passphrase) -> bool:
        import hmac

        return hmac.compare_digest(self._text.encode(), other._text.encode())

    def text(self) -> str:
        """The passphrase itself: for the system keyring, when the user asked for it."""
        return self._text


def is_encrypted(path: Path) -> bool:
    """Whether an existing, non-empty file lacks the SQLite header (encrypted, or not ours)."""
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    return bool(head) and head != SQLITE_MAGIC


def salt_of(path: Path) -> bytes | None:
    """The salt at the start of an encrypted file; None while the file is empty or absent."""
    try:
        with path.open("rb") as fh:
            salt = fh.read(SALT_BYTES)
    except FileNotFoundError:
        return None
    return salt if len(salt) == SALT_BYTES else None


def connect(
    path: Path | str,
    passphrase: Passphrase | None,
    *,
    uri: bool = False,
    salt: bytes | None = None,
    sqlcipher: bool = False,
    **options: Any,
) -> Any:
    """A connection to the database file (or ``file:`` URI) at ``path``, keyed if encrypted.

    Without a passphrase it is a plain ``sqlite3`` connection. With one it is a SQLCipher
    connection keyed with the key derived from the file's salt; a new (empty) file gets
    ``salt`` if given (a copy keeps its original's), else a fresh one from SQLCipher.
    ``sqlcipher``: a SQLCipher connection even to a plain file (to export it encrypted).
    """
    if passphrase is None and not sqlcipher:
        return sqlite3.connect(path, uri=uri, **options)
    import sqlcipher3

    if passphrase is None:
        return sqlcipher3.connect(str(path), uri=uri, **options)

    file = Path(str(path).removeprefix("file:").partition("?")[0]) if uri else Path(path)
    salt = salt_of(file) or salt
    conn = sqlcipher3.connect(str(path), uri=uri, **options)
    try:
        # SQLCipher would otherwise write a failed decryption to stderr as well as raise it.
        conn.execute("PRAGMA cipher_log_level = NONE")
        if salt is None:
            conn.execute(f"PRAGMA key = {_quoted(passphrase.text())}")
        else:
            key = passphrase.key(salt).hex() + salt.hex()
            conn.execute(f"PRAGMA key = \"x'{key}'\"")
    except BaseException:
        conn.close()
        raise
    return conn


def attach_key(passphrase: Passphrase | None) -> str:
    """The KEY of an ``ATTACH`` making a new file: the passphrase (a fresh salt), or plain."""
    return "" if passphrase is None else passphrase.text()


def is_file_connection(conn: Any) -> bool:
    """Whether a DB-API connection is to an SQLite file (plain or encrypted), not a server."""
    return isinstance(conn, sqlite3.Connection) or type(conn).__module__.startswith("sqlcipher3")


def is_file_error(error: BaseException) -> bool:
    """Whether an exception is an SQLite driver's (plain or SQLCipher)."""
    return isinstance(error, sqlite3.Error) or (
        type(error).__module__.startswith("sqlcipher3") and isinstance(error, Exception)
    )


def driver(passphrase: Passphrase | None) -> Any:
    """The DB-API module SQLAlchemy must use for the file (its errors are that module's)."""
    if passphrase is None:
        return sqlite3
    import sqlcipher3

    return sqlcipher3


def strength(text: str) -> tuple[int, str]:
    """A rough hint, 0 (weak) to 3 (strong), with words: length counts more than symbols."""
    if len(text) < MIN_LENGTH:
        return 0, f"Too short: at least {MIN_LENGTH} characters."
    kinds = sum(
        any(test(c) for c in text)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    words = len(text.split())
    if len(text) >= 20 or (words >= 4 and len(text) >= 16):
        return 3, "Strong: a long passphrase is hard to guess."
    if len(text) >= 12 and kinds >= 2:
        return 2, "Fair: longer is stronger (a few unrelated words work well)."
    return 1, "Weak: use more characters, a few unrelated words work well."


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
