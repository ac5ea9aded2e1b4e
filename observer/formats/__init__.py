"""Import and export: codings in and out of the app, in the formats other tools read.

``import_file`` knows the format from the file (its suffix, else its first bytes) and
writes everything in one transaction: a file that fails writes nothing. ``progress``
is a callable ``(done, total)`` a window can drive a progress bar with. Formats and
their columns: ``docs/formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from observer.domain.errors import InputError
from observer.domain.wording import counted
from observer.formats.common import ImportReport, Progress, no_progress
from observer.storage.access_log import export_detail, log_access
from observer.storage.private_file import written_whole
from observer.storage.store import Store

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "ImportReport",
    "Progress",
    "detect_format",
    "export_coding",
    "export_codings",
    "import_file",
]


@dataclass(frozen=True)
class Format:
    """A file format, and where its writer and reader live (``module:function`` here)."""

    id: str
    label: str
    suffixes: tuple[str, ...]
    exporter: str
    importer: str = ""
    needs_session: bool = False

    @property
    def can_import(self) -> bool:
        return bool(self.importer)

    @staticmethod
    def function(where: str) -> Callable[..., Any]:
        # Imported on use: each format's module (and openpyxl) loads only when needed.
        module, name = where.split(":")
        function: Callable[..., Any] = getattr(import_module(f"observer.formats.{module}"), name)
        return function


FORMATS = (
    Format("json", "Group Process Observer coding (JSON)", (".json",),
           "json_format:export_json", "json_import:import_json"),
    Format("csv", "Events table (CSV)", (".csv",), "csv_format:export_table",
           "csv_format:import_table", needs_session=True),
    Format("tsv", "Events table (TSV)", (".tsv", ".tab"), "csv_format:export_tsv",
           "csv_format:import_table", needs_session=True),
    Format("xlsx", "Excel workbook", (".xlsx",), "xlsx_format:export_xlsx",
           "xlsx_format:import_xlsx", needs_session=True),
    Format("boris", "BORIS project", (".boris",), "boris_export:export_boris",
           "boris:import_boris"),
    Format("sdis", "SDIS for GSEQ", (".sds", ".sdis"), "sdis:export_sdis"),
    Format("eaf", "ELAN annotation file", (".eaf",), "elan:export_eaf"),
    Format("transcript", "Call transcript (WebVTT, SRT)", (".vtt", ".srt"), "",
           "transcript_import:import_transcript", needs_session=True),
)  # fmt: skip
BY_ID = {f.id: f for f in FORMATS}
IMPORT_FORMATS = tuple(f.id for f in FORMATS if f.can_import)
EXPORT_FORMATS = tuple(f.id for f in FORMATS if f.exporter)


def detect_format(path: Path) -> str:
    """The format of a file: from its suffix, else from how it begins."""
    suffix = path.suffix.lower()
    if path.name.lower().endswith(".boris.gz"):
        return "boris"
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            if fmt.id == "json" and _looks_like_boris(path):
                return "boris"
            return fmt.id
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\x1f\x8b"):
        return "boris"
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        return "boris" if "behaviors_conf" in text or "project_format_version" in text else "json"
    if text.startswith("<"):
        raise InputError(f"{path}: an XML file (ELAN?); ELAN files can be exported, not imported")
    first = text.splitlines()[0] if text else ""
    if "\t" in first and first.count("\t") >= first.count(","):
        return "tsv"
    if "," in first or ";" in first:
        return "csv"
    raise InputError(
        f"{path}: unknown format; import reads {', '.join(IMPORT_FORMATS)} "
        "(named by their suffix: .json, .csv, .tsv, .xlsx, .boris)"
    )


def _looks_like_boris(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return b'"behaviors_conf"' in head or b'"project_format_version"' in head


def _importer(fmt: str) -> Callable[..., ImportReport]:
    found = BY_ID.get(fmt)
    if found is None or not found.can_import:
        raise InputError(f"{fmt} files can be exported but not imported")
    return found.function(found.importer)


def import_file(
    store: Store,
    path: str | Path,
    progress: Progress | None = None,
    fmt: str | None = None,
    **opts: Any,
) -> ImportReport:
    """Import a file (format from the file unless ``fmt`` is given), all or nothing.

    CSV, TSV and XLSX need ``session`` (id) and ``observer`` (initials) and take
    ``codebooks`` (ids or YAML paths; default: the shipped codebooks holding every code).
    BORIS takes ``observer`` (default ``BORIS``) and ``codebook_out`` (write the
    ethogram's codebook there as YAML). A transcript (``.vtt``, ``.srt``) needs ``session``
    and ``observer`` and takes ``names`` (call name → pseudonym) and ``keep_text``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = fmt or detect_format(path)
    importer = _importer(fmt)
    try:
        return importer(store, path, progress or no_progress, **opts)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        # A damaged file that slipped past the checks: still a message, still nothing written.
        raise InputError(
            f"{path}: cannot be imported as {fmt} ({type(exc).__name__}: {exc})"
        ) from exc


def relative_recordings(path: Path, fmt: str) -> list[str]:
    """The relative recording paths a BORIS project or JSON coding names (they must stay
    inside a recordings folder, ``media_paths``): so the app asks for that folder only when
    it matters. A file that cannot be read names none here; its import says why."""
    found: list[Any] = []
    try:
        if fmt == "boris":
            from observer.formats.boris import load_project

            observations = load_project(path).get("observations") or {}
            for obs in observations.values() if isinstance(observations, dict) else ():
                files = obs.get("file") if isinstance(obs, dict) else None
                for paths in files.values() if isinstance(files, dict) else ():
                    found += paths if isinstance(paths, list) else []
        elif fmt == "json":
            from observer.formats.file_limits import read_limited
            from observer.formats.json_import import parse_document

            session = parse_document(read_limited(path), path).get("session")
            media = session.get("media") if isinstance(session, dict) else None
            found = [m.get("path") for m in media or () if isinstance(m, dict)]
    except InputError:
        return []
    return [p for p in found if isinstance(p, str) and p.strip() and not Path(p).is_absolute()]


def _exporter(fmt: str) -> Callable[..., int]:
    found = BY_ID.get(fmt)
    if found is None or not found.exporter:
        raise InputError(f"Unknown format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
    return found.function(found.exporter)


def export_coding(
    store: Store,
    coding_id: int,
    fmt: str,
    path: str | Path,
    progress: Progress | None = None,
    *,
    who: str | None = None,
    unlogged: Callable[[str], None] | None = None,
    **opts: Any,
) -> int:
    """Write one coding in a format; returns the number of events written.

    The file is written beside its final name, readable by its owner only, and moved into
    place at the end, so a failed export never leaves half a file under the name asked for.
    The export is then written in the coding's access log as ``who``'s (default: the
    coding's observer); ``unlogged`` hears why, if it could not be.
    """
    exporter = _exporter(fmt)
    count = _written_whole(
        Path(path),
        lambda partial: exporter(store, coding_id, partial, progress or no_progress, **opts),
    )
    _log_export(store, [coding_id], fmt, opts, who, unlogged)
    return count


def _log_export(
    store: Store,
    coding_ids: Sequence[int],
    fmt: str,
    opts: dict[str, Any],
    who: str | None,
    unlogged: Callable[[str], None] | None,
) -> None:
    detail = export_detail(fmt, bool(opts.get("deidentify")), str(opts.get("dates", "drop")))
    for coding_id in coding_ids:
        why = log_access(store, coding_id, "export", who, detail)
        if why is not None and unlogged is not None:
            unlogged(why)


def _written_whole(path: Path, write: Callable[[Path], int]) -> int:
    """Write whole and private beside ``path``; moved into place only once it is complete."""
    try:
        with written_whole(path) as partial:
            return write(partial)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from exc


def export_codings(
    store: Store,
    coding_ids: Sequence[int],
    fmt: str,
    path: str | Path,
    progress: Progress | None = None,
    *,
    who: str | None = None,
    unlogged: Callable[[str], None] | None = None,
    **opts: Any,
) -> int:
    """Several codings in one file: SDIS pools them, BORIS makes each an observation;
    other formats take one coding. Each coding's access log gets the export."""
    if len(coding_ids) == 1:
        return export_coding(
            store, coding_ids[0], fmt, path, progress, who=who, unlogged=unlogged, **opts
        )
    count = _export_many(store, coding_ids, fmt, path, progress, **opts)
    _log_export(store, coding_ids, fmt, opts, who, unlogged)
    return count


def _export_many(
    store: Store,
    coding_ids: Sequence[int],
    fmt: str,
    path: str | Path,
    progress: Progress | None,
    **opts: Any,
) -> int:
    if fmt == "boris":
        from observer.formats.boris_export import export_boris_many

        return _written_whole(
            Path(path),
            lambda partial: export_boris_many(
                store, coding_ids, partial, progress or no_progress, **opts
            ),
        )
    if fmt != "sdis":
        raise InputError(
            f"Only SDIS and BORIS hold several codings in one file; {fmt} takes one coding."
        )
    from observer.formats.sdis import export_sdis_many

    return _written_whole(
        Path(path),
        lambda partial: export_sdis_many(
            store, coding_ids, partial, progress or no_progress, **opts
        ),
    )


def export_notices(
    store: Store, coding_ids: Sequence[int], fmt: str, deidentify: bool = False
) -> list[str]:
    """What an export in ``fmt`` would not carry over as it is, to say before writing."""
    from observer.storage.coding_info import coding_info
    from observer.storage.outbox import not_on_server

    notices = [
        f"{coding_info(store, coding_id).name}: {said}"
        for coding_id, said in not_on_server(store, coding_ids).items()
    ]
    if fmt == "boris":
        from observer.formats.boris_export import boris_notices

        notices += boris_notices(store, coding_ids, deidentify)
    elif fmt == "eaf":
        from observer.formats.elan import eaf_notices

        notices += [n for i in coding_ids for n in eaf_notices(store, i)]
    return notices


def not_carried_over(count: int, imported: bool = False) -> str:
    """'1 thing will not be carried over', '3 things …'; of an import, 'could not be … exactly'."""
    things = counted(count, "thing")
    said = "could not be carried over exactly" if imported else "will not be carried over"
    return f"{things} {said}"


def carried_over_message(notices: Sequence[str]) -> str:
    """'3 things will not be carried over: …', one per line; '' when there are none."""
    if not notices:
        return ""
    return f"{not_carried_over(len(notices))}:\n" + "\n".join(f"- {n}" for n in notices)


def format_for_suffix(path: Path) -> str | None:
    """The export format a file name asks for, if its suffix names one."""
    suffix = path.suffix.lower()
    return next((f.id for f in FORMATS if f.exporter and suffix in f.suffixes), None)
