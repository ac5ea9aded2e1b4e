"""SDIS timed-event sequential data for GSEQ (Bakeman & Quera), one coding or several pooled.

Each coding is one SDIS session: ``<label>`` then ``,start`` then every event as
``code,onset`` (a point event) or ``code,onset-offset`` (a state), then ``,end/``.
Times are ``h:mm:ss.mmm``. Codes are the code ids with ``-`` turned into ``_``
(SDIS codes are single words); with ``by_actor`` each code is suffixed with who acted
(``feedback_Jane``), for sequential analyses of who does what after whom.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from observer.domain.coding_data import CodingData
from observer.domain.deidentify import SharingCodes, removal_note
from observer.formats.common import Progress, no_progress, read_for_export
from observer.storage.store import Store

_NOT_WORD = re.compile(r"[^A-Za-z0-9_]+")


def sdis_code(text: str) -> str:
    """A single SDIS word: letters, digits and underscores, starting with a letter."""
    word = _NOT_WORD.sub("_", text).strip("_") or "x"
    return word if word[0].isalpha() else f"c{word}"


def sdis_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _code(data: CodingData, code: str, actor: str, by_actor: bool) -> str:
    base = sdis_code(code)
    return f"{base}_{sdis_code(data.name_of(actor))}" if by_actor else base


def session_lines(data: CodingData, by_actor: bool = False) -> list[str]:
    label = re.sub(r"[<>/;]", " ", data.stored.file_title).strip()
    lines = [f"<{label}>", f",{sdis_time(0)}"]
    end = 0
    for e in data.events:
        code = _code(data, e.code, e.actor, by_actor)
        if e.end_ms is None:
            lines.append(f"{code},{sdis_time(e.time_ms)}")
            end = max(end, e.time_ms + 1)
        else:
            lines.append(f"{code},{sdis_time(e.time_ms)}-{sdis_time(e.end_ms)}")
            end = max(end, e.end_ms)
    lines.append(f",{sdis_time(end)}/")
    return lines


def export_sdis_many(
    store: Store,
    coding_ids: Sequence[int],
    path: Path,
    progress: Progress = no_progress,
    by_actor: bool = False,
    deidentify: bool = False,
    dates: str = "drop",
    **_: Any,
) -> int:
    """Write codings as one SDIS file (pooled: one SDIS session per coding).

    De-identified, a person keeps one code across all the codings pooled.
    """
    people = SharingCodes.for_export(dates)
    datas = []
    for i, coding_id in enumerate(coding_ids):
        datas.append(read_for_export(store, coding_id, deidentify=deidentify, codes=people))
        progress(i, len(coding_ids) + 1)
    codes: list[str] = []
    for data in datas:
        for e in data.events:
            code = _code(data, e.code, e.actor, by_actor)
            if code not in codes:
                codes.append(code)
    out = ["% Timed-event sequential data for GSEQ, written by Group Process Observer."]
    if deidentify:
        out.append(f"% {removal_note(datas[0])}")
    for data in datas:
        info = data.stored
        out.append(
            f"% {info.file_title}: {info.group_name}, session {info.session_number}, "
            f"coded by {info.observer}"
        )
    labels = {}
    for data in datas:
        for c in data.stored.palette.codes:
            labels[sdis_code(c.id)] = c.label
    for code in codes:
        base = code if code in labels else code.rsplit("_", 1)[0]
        if base in labels:
            out.append(f"%   {code} = {labels[base]}")
    declared = " ".join(codes) if codes else "none"
    out.append(f"Timed ({declared}) ;")
    total = 0
    for data in datas:
        out.extend(session_lines(data, by_actor))
        total += len(data.events)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    progress(len(coding_ids) + 1, len(coding_ids) + 1)
    return total


def export_sdis(
    store: Store, coding_id: int, path: Path, progress: Progress = no_progress, **opts: Any
) -> int:
    """Write one coding as an SDIS file."""
    return export_sdis_many(store, [coding_id], path, progress, **opts)
