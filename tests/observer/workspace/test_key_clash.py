"""Codebooks whose codes want the same key: refused by name at creation, never dropped."""

from __future__ import annotations

from typing import Any

import pytest

from observer.domain.codebook import KeyClashError
from observer.domain.errors import InputError
from observer.storage.coding_info import coding_info
from observer.workspace.codings import new_coding
from observer.workspace.groups import MemberSpec, add_group, add_session


@pytest.fixture
def session(store: Any) -> int:
    group = add_group(store, "Tuesday group", members=[MemberSpec("Ann"), MemberSpec("Bo")])
    return add_session(store, group)


def test_a_clash_is_refused_naming_both_codes_and_the_key(store: Any, session: int) -> None:
    with pytest.raises(KeyClashError) as refused:
        new_coding(store, session, "RK", ["here-and-now", "bales-ipa"])
    message = str(refused.value)
    assert "Key 's' is wanted by both Support / validation (here-and-now)" in message
    assert "Shows solidarity (bales-ipa, code shows-solidarity)" in message
    assert {c.other.id for c in refused.value.clashes} == {
        "shows-solidarity", "shows-tension-release", "agrees", "gives-orientation",
    }  # fmt: skip


def test_keys_given_for_this_coding_are_kept_with_it(store: Any, session: int) -> None:
    keys = {"shows-solidarity": "b", "shows-tension-release": "j", "agrees": "k",
            "gives-orientation": "l"}  # fmt: skip
    coding = new_coding(store, session, "RK", ["here-and-now", "bales-ipa"], key_overrides=keys)
    palette = coding_info(store, coding).palette
    by_id = {c.id: c.key for c in palette.codes}
    assert {k: by_id[k] for k in keys} == keys and by_id["support"] == "s"
    assert all(c.key for c in palette.codes if c.codebook == "bales-ipa")  # none dropped


@pytest.mark.parametrize("key", ["1", " ", "-", "bb", ""])
def test_a_key_that_picks_people_or_is_not_one_sign_is_refused(
    store: Any, session: int, key: str
) -> None:
    keys = {"shows-solidarity": key, "shows-tension-release": "j", "agrees": "k",
            "gives-orientation": "l"}  # fmt: skip
    with pytest.raises(InputError):
        new_coding(store, session, "RK", ["here-and-now", "bales-ipa"], key_overrides=keys)
