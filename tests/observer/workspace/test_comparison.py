"""Agreement between stored codings, read step by step: the figures of the analysis, or why not."""

from __future__ import annotations

import pytest

from observer.analysis.agreement import agreement
from observer.analysis.filters import filters_for
from observer.storage.read_coding import from_coding
from observer.storage.store import Store
from observer.workspace.comparison import TOO_FEW, compare_codings
from observer.workspace.progress import Cancelled, watched


def test_the_figures_are_the_analysis_figures(demo_store: Store) -> None:
    seen: list[tuple[int, int]] = []
    found = compare_codings(
        demo_store, [4, 5], 2.0, 1.0, "code", progress=lambda d, t: seen.append((d, t))
    )
    expected = agreement([from_coding(demo_store, 4), from_coding(demo_store, 5)], 2.0, 1.0, "code")
    assert found.result == expected and found.problem == ""
    assert [d.coding_id for d in found.codings] == [4, 5]
    assert found.events == sum(len(d.events) for d in found.codings)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]  # a coding read, a coding read, computed


def test_codings_already_read_are_not_read_again(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import observer.workspace.comparison as comparison

    known = {4: from_coding(demo_store, 4)}
    read: list[int] = []
    monkeypatch.setattr(
        comparison, "from_coding", lambda store, i: read.append(i) or from_coding(store, i)
    )
    found = compare_codings(demo_store, [4, 5], 2.0, 1.0, already_read=known)
    assert read == [5] and found.codings[0] is known[4]


def test_why_there_are_no_figures(demo_store: Store) -> None:
    assert compare_codings(demo_store, [4], 2.0, 1.0).problem == TOO_FEW
    unknown = compare_codings(demo_store, [4, 5], 2.0, 1.0, only={"codes": ["fedback"]})
    assert unknown.result is None and "No code 'fedback' in these codings" in unknown.problem
    negative = compare_codings(demo_store, [4, 5], -1.0, 1.0)
    assert negative.result is None and "negative" in negative.problem


def test_codings_of_different_sessions_are_compared_and_said_to_be(demo_store: Store) -> None:
    found = compare_codings(demo_store, [1, 4], 2.0, 1.0)
    datas = [from_coding(demo_store, 1), from_coding(demo_store, 4)]
    assert found.problem == "" and found.result == agreement(datas, 2.0, 1.0)
    assert found.result["notes"][0].startswith("Different sessions (")


def test_restricted_to_names_as_a_person_gives_them(demo_store: Store) -> None:
    only = {"codes": ["feedback"], "actors": ["Ben"]}
    found = compare_codings(demo_store, [4, 5], 2.0, 1.0, only=only)
    datas = [from_coding(demo_store, 4), from_coding(demo_store, 5)]
    expected = agreement(datas, 2.0, 1.0, only=filters_for(datas, ["feedback"], actors=["Ben"]))
    assert found.result == expected
    assert found.result["restricted_to"]["actors"] == ["Ben"]


def test_cancel_between_codings(demo_store: Store) -> None:
    asked = iter([False, True])
    with pytest.raises(Cancelled):
        compare_codings(
            demo_store, [3, 4, 5], 2.0, 1.0, progress=watched(cancelled=lambda: next(asked))
        )
