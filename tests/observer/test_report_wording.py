"""The report reads as a supervisor expects: the first page says in plain words what
happened, with no database ids or file paths, times as mm:ss, and nothing overlapping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from observer.charts.fit import text_problems
from observer.domain.clock import format_clock
from observer.report import _page, report_for_coding, report_info, session_summary, title_page
from observer.storage.read_coding import from_coding
from tests.observer.helpers import pdf_text


def test_the_first_page_says_what_happened_in_plain_words(demo_store: Any) -> None:
    data = from_coding(demo_store, 3, details=True)
    summary = " ".join(session_summary(data))
    assert "Of the members, Jane took part most" in summary and "Ben least" in summary
    assert "Quiet (under 5% of the acts): Ben." in summary
    assert "Fight-flight (baF) from 25:00 to 34:00." in summary
    assert "addressed to the group as a whole" in summary
    fig = _page()
    title_page(fig, data, report_info(data))
    assert text_problems(fig) == []


def test_no_ids_paths_or_milliseconds(demo_store: Any, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    report_for_coding(demo_store, 4, path)
    text = pdf_text(path.read_bytes())
    assert "coded from the recording" in text
    assert "#4" not in text and "docs/" not in text and ".md" not in text
    assert not re.search(r"\d\d:\d\d\.\d\d\d", text)  # no '03:07.303'
    assert "never" not in re.sub(r"was never followed", "", text)


def test_times_read_as_minutes_and_seconds() -> None:
    assert format_clock(187_303) == "03:07"
    assert format_clock(187_303, tenths=True) == "03:07.3"
    assert format_clock(3_929_000) == "1:05:29"
    assert format_clock(59_960, tenths=True) == "01:00.0"
    assert format_clock(None) == ""
