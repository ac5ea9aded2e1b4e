"""The key of an encrypted file derived ahead (beside the app's start) opens it as the
key derived on demand does; a wrong passphrase derived ahead is still told apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from observer.domain.errors import WrongPassphrase
from observer.storage.cipher import Passphrase, salt_of
from observer.storage.store import open_store
from tests.observer.storage.test_encryption import SECRET, encrypted, every_row

__all__ = ["encrypted"]  # the fixture, used by name below


def test_a_key_derived_ahead_opens_the_file_with_every_row(encrypted: Path) -> None:
    ahead = Passphrase(SECRET)
    ahead.derive_ahead(encrypted)
    salt = salt_of(encrypted)
    assert salt is not None
    assert ahead.key(salt) == Passphrase(SECRET).key(salt)
    assert every_row(encrypted, ahead) == every_row(encrypted, Passphrase(SECRET))


def test_a_wrong_passphrase_derived_ahead_is_still_wrong(encrypted: Path) -> None:
    wrong = Passphrase("not the passphrase at all")
    wrong.derive_ahead(encrypted)
    with pytest.raises(WrongPassphrase):
        open_store(encrypted, wrong)


def test_nothing_to_derive_for_a_plain_or_absent_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite3"
    open_store(plain).close()
    for path in (plain, tmp_path / "absent.sqlite3", tmp_path):
        Passphrase(SECRET).derive_ahead(path)  # returns at once, raises nothing
    store = open_store(plain, Passphrase(SECRET))  # a plain file opens plain
    store.close()
