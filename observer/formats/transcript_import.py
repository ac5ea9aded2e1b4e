"""A call's transcript into a session: each utterance a speaking turn of a member.

The import makes a new coding against the shipped *airtime* codebook whose events are
``speaking`` states, one per utterance, written through the same checks and the same bulk
write as every import (``observer.formats.common``), all or nothing. The words are kept as
the turn's note only when asked (``keep_text``): a transcript is the most identifying
thing the app could hold, so by default only who spoke when is kept.

Speakers are matched by ``observer.workspace.call_names``; names mapped here (``names``,
call name → pseudonym or initials) are remembered for the group. Cues of a name nobody
is known by, and cues without a name, are listed in the report and not imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer.domain import limits
from observer.domain.codebook import combine, shipped_codebook
from observer.domain.errors import InputError
from observer.domain.event_rules import EventRules
from observer.domain.events import Event
from observer.domain.participants import Roster
from observer.domain.wording import counted, plural
from observer.formats.common import ImportReport, Progress, insert_rows, no_progress, placed
from observer.formats.transcript import Cue, read_transcript
from observer.storage.store import Store

AIRTIME_CODEBOOK = "airtime"
SPEAKING = "speaking"


@dataclass(frozen=True)
class CallSpeaker:
    """A name a transcript uses: how many cues and seconds, and who it was found to be."""

    call_name: str
    cues: int
    seconds: float
    first_line: int
    member: str | None  # participant key, None while unknown
    found: str  # "remembered", "by name", "mapped" or ""


@dataclass(frozen=True)
class TranscriptPreview:
    """What importing a transcript into a session would do, before anything is written."""

    cues: tuple[Cue, ...]
    speakers: tuple[CallSpeaker, ...]
    unnamed: tuple[Cue, ...]
    roster: Roster


def preview_transcript(
    store: Store, path: Path, session: int, names: Mapping[str, str] | None = None
) -> TranscriptPreview:
    """Read a transcript and match its speakers to the session's people (nothing written).

    ``names``: call name → pseudonym or initials, as a person mapped them.
    """
    from observer.workspace.call_names import group_of, remembered, who_is
    from observer.workspace.groups import session_roster

    cues = tuple(read_transcript(path))
    with store.reader() as s:
        roster = session_roster(s, session)
        known = remembered(s, group_of(s, session))
    mapped = _mapped(names or {}, roster)
    by_name: dict[str, list[Cue]] = {}
    for cue in cues:
        if cue.speaker:
            by_name.setdefault(cue.speaker, []).append(cue)
    speakers = []
    for call_name, said in by_name.items():
        key, found = mapped.get(" ".join(call_name.split()).casefold(), (None, ""))
        if key is None:
            key, found = who_is(call_name, roster, known)
        seconds = sum(c.end_ms - c.start_ms for c in said) / 1000
        speakers.append(CallSpeaker(call_name, len(said), seconds, said[0].line, key, found))
    unnamed = tuple(c for c in cues if not c.speaker)
    return TranscriptPreview(cues, tuple(speakers), unnamed, roster)


def _mapped(names: Mapping[str, str], roster: Roster) -> dict[str, tuple[str, str]]:
    out = {}
    for call_name, who in names.items():
        key = roster.find(who)
        if key is None:
            known = ", ".join(p.label for p in roster.participants if p.role != "group")
            raise InputError(
                f"--map {call_name}={who}: nobody called {who!r} in this group (people: {known})"
            )
        out[" ".join(call_name.split()).casefold()] = (key, "mapped")
    return out


def import_transcript(
    store: Store,
    path: Path,
    progress: Progress = no_progress,
    session: int | None = None,
    observer: str | None = None,
    names: Mapping[str, str] | None = None,
    keep_text: bool = False,
    name: str = "",
    capacity: str = "co-therapist",
    codebooks: Sequence[str] | None = None,
    **_: Any,
) -> ImportReport:
    """Import a ``.vtt`` or ``.srt`` transcript as a new coding of ``session``, all or nothing.

    ``codebooks`` (ids or YAML files) are added beside the airtime codebook, to code on top
    of the turns in the same coding.
    """
    from observer.workspace.call_names import group_of, remember
    from observer.workspace.codings import create_coding

    file = str(path)
    if session is None:
        raise InputError(f"{file}: which session is this the transcript of? (give --session ID)")
    if not observer:
        raise InputError(f"{file}: who imports it? (give --observer INITIALS)")
    observer = placed("--observer", limits.name, observer, "initials", 20, "the initials")
    preview = preview_transcript(store, path, session, names)
    progress(1, 3)
    report = ImportReport(file, "transcript")
    report.warnings += left_out(preview, file)
    events, where = utterances(preview, keep_text, file)
    if not events:
        named = ", ".join(repr(sp.call_name) for sp in preview.speakers) or "none"
        raise InputError(
            f"{file}: no cue is of a member of this group (names in the call: {named}); "
            'say who they are with --map "Call Name=Pseudonym"'
        )
    books = [shipped_codebook(AIRTIME_CODEBOOK)]
    if codebooks:
        from observer.formats.csv_format import resolve_codebooks

        books += [b for b in resolve_codebooks(store, codebooks, [], file) if b.id != books[0].id]
    with store.session() as s:
        rules = EventRules(combine(books), preview.roster)
        report.warnings += rules.check_all(events, where)
        coding = create_coding(s, session, observer, books, name=name or path.stem,
                               capacity=capacity)  # fmt: skip
        progress(2, 3)
        insert_rows(s, coding.id, events, no_progress)
        mapped = {sp.call_name: sp.member for sp in preview.speakers if sp.found == "mapped"}
        remember(s, group_of(s, session), {k: v for k, v in mapped.items() if v})
        report.coding_ids.append(coding.id)
        report.coding_names.append(coding.name)
        report.session_ids.append(session)
        report.events = len(events)
        progress(3, 3)  # inside: a Cancel heard here still rolls the import back
    return report


def utterances(
    preview: TranscriptPreview, keep_text: bool, file: str
) -> tuple[list[Event], list[str]]:
    """The speaking turns of the known speakers, and where each is in the file.

    A speaker's cues that overlap (a call splitting one utterance badly) are one turn: a
    person cannot speak twice at once.
    """
    member_of = {sp.call_name: sp.member for sp in preview.speakers}
    merged: list[tuple[int, int, str, str, int]] = []  # start, end, key, words, line
    latest: dict[str, int] = {}  # key -> index in merged of their latest turn
    for cue in sorted(preview.cues, key=lambda c: (c.start_ms, c.end_ms)):
        key = member_of.get(cue.speaker)
        if key is None:
            continue
        i = latest.get(key)
        if i is not None and merged[i][1] > cue.start_ms:
            start, end, _key, words, line = merged[i]
            merged[i] = (start, max(end, cue.end_ms), key, f"{words}\n{cue.text}", line)
            continue
        latest[key] = len(merged)
        merged.append((cue.start_ms, cue.end_ms, key, cue.text, cue.line))
    events = [
        Event(0, start, SPEAKING, key, note=words if keep_text else "", end_ms=end)
        for start, end, key, words, _line in merged
    ]
    where = [f"{file}:{line}" if line else file for *_rest, line in merged]
    return events, where


def left_out(preview: TranscriptPreview, file: str) -> list[str]:
    """What the report lists as not imported: unknown names and unnamed cues."""
    notes = [
        f"{file}:{sp.first_line}: {sp.call_name!r} is nobody in this group: its "
        f"{counted(sp.cues, 'cue')} ({sp.seconds:.0f} s) {plural(sp.cues, 'was', 'were')} "
        "not imported; map the name to a member "
        f'(--map "{sp.call_name}=PSEUDONYM") and import again'
        for sp in preview.speakers
        if sp.member is None
    ]
    if preview.unnamed:
        lines = ", ".join(str(c.line) for c in preview.unnamed[:5])
        more = ", …" if len(preview.unnamed) > 5 else ""
        notes.append(
            f"{file}: {counted(len(preview.unnamed), 'cue')} "
            f"{plural(len(preview.unnamed), 'names', 'name')} no speaker (lines {lines}{more}): "
            "not imported, never guessed"
        )
    return notes


def parse_names(pairs: Sequence[str]) -> dict[str, str]:
    """``--map "Jane Doe=Jane"`` options as call name → pseudonym."""
    out = {}
    for pair in pairs:
        call_name, sep, who = pair.partition("=")
        if not sep or not call_name.strip() or not who.strip():
            raise InputError(f'--map {pair!r}: write it as "Call Name=Pseudonym"')
        out[call_name.strip()] = who.strip()
    return out
