"""ELAN annotation files (``.eaf``, EAF 3.0): a tier per person, the codebook as vocabulary.

Each participant who acted gets a tier named after them (the group as a whole and the
leaders too); an annotation's value is the code id, from a controlled vocabulary made
of the coding's codebooks. Targets, modifiers and notes go into a dependent tier
(``<name> details``). ELAN tiers cannot hold overlapping annotations, so events that
overlap on one person's tier (a state running while they act) go onto extra tiers,
``<name> 2`` and so on. Point events are shown one second long (or until the next
event on the tier); a state still running ends at the coding's end, as the report counts
it. The coding's media file is linked when it is a plain local file
(``observer.formats.media_paths``).
"""

from __future__ import annotations

import mimetypes
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

from observer.analysis.agreement import closed_events
from observer.domain.clock import format_time
from observer.domain.coding_data import CodingData
from observer.domain.deidentify import NO_DATE
from observer.domain.events import Event
from observer.domain.participants import GROUP, LEADERS
from observer.domain.wording import counted, plural
from observer.formats.common import Progress, no_progress, read_for_export
from observer.formats.media_paths import linkable
from observer.storage.store import Store

POINT_MS = 1000
CV_ID = "codes"


def _lanes(events: list[Event]) -> list[list[tuple[Event, int, int]]]:
    """Events spread over as few non-overlapping tiers as possible, greedily in time order."""
    lanes: list[list[tuple[Event, int, int]]] = []
    for e in events:
        end = e.end_ms if e.end_ms is not None else e.time_ms + POINT_MS
        end = max(end, e.time_ms + 1)
        for lane in lanes:
            last = lane[-1]
            if last[2] <= e.time_ms:
                lane.append((e, e.time_ms, end))
                break
            if last[0].end_ms is None and last[1] < e.time_ms:
                # A point event only lasts until the next event on its tier.
                lane[-1] = (last[0], last[1], e.time_ms)
                lane.append((e, e.time_ms, end))
                break
        else:
            lanes.append([(e, e.time_ms, end)])
    return lanes


def _detail(data: CodingData, e: Event) -> str:
    parts = []
    if e.targets:
        parts.append("→ " + ", ".join(data.name_of(t) for t in e.targets))
    parts += [f"{k}={v}" for k, v in e.modifiers.items()]
    if e.note:
        parts.append(e.note)
    return "; ".join(parts)


def eaf_document(data: CodingData) -> ET.Element:
    """The EAF document of a coding read with its details."""
    info, more = data.record()
    root = ET.Element(
        "ANNOTATION_DOCUMENT",
        {
            "AUTHOR": info.observer,
            # EAF needs a date: a de-identified file carries the epoch, not a real one.
            "DATE": (NO_DATE if data.deidentified else datetime.now().astimezone()).isoformat(
                timespec="seconds"
            ),
            "FORMAT": "3.0",
            "VERSION": "3.0",
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        },
    )
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    media = next((m for m in more.media if m.id == info.media_file_id), None)
    media = media or (more.media[0] if more.media else None)
    shift = 0
    if media is not None and linkable(media.path):  # only a local file is linked
        attrs = {
            "MEDIA_URL": Path(media.path).absolute().as_uri() if media.path else "",
            "MIME_TYPE": mimetypes.guess_type(media.path)[0] or "video/*",
            "RELATIVE_MEDIA_URL": f"./{Path(media.path).name}",
        }
        if media.offset_ms < 0:
            # The media started before the session clock: skip that much of it.
            attrs["TIME_ORIGIN"] = str(-media.offset_ms)
        elif media.offset_ms > 0 and all(e.time_ms >= media.offset_ms for e in data.events):
            shift = media.offset_ms
        ET.SubElement(header, "MEDIA_DESCRIPTOR", attrs)
    time_order = ET.SubElement(root, "TIME_ORDER")
    slots = 0
    annotations = 0

    def slot(ms: int) -> str:
        nonlocal slots
        slots += 1
        ET.SubElement(
            time_order, "TIME_SLOT", {"TIME_SLOT_ID": f"ts{slots}", "TIME_VALUE": str(ms - shift)}
        )
        return f"ts{slots}"

    by_actor: dict[str, list[Event]] = {}
    for e in closed_events(data):
        by_actor.setdefault(e.actor, []).append(e)
    order = [p.key for p in data.people] + [GROUP, LEADERS]
    for actor in sorted(by_actor, key=lambda k: order.index(k) if k in order else len(order)):
        name = data.name_of(actor)
        for n, lane in enumerate(_lanes(by_actor[actor]), 1):
            tier_id = name if n == 1 else f"{name} {n}"
            tier = ET.SubElement(
                root,
                "TIER",
                {"LINGUISTIC_TYPE_REF": "code", "TIER_ID": tier_id, "PARTICIPANT": name,
                 "ANNOTATOR": info.observer},
            )  # fmt: skip
            details = []
            for e, start, end in lane:
                annotations += 1
                ann_id = f"a{annotations}"
                holder = ET.SubElement(tier, "ANNOTATION")
                align = ET.SubElement(
                    holder,
                    "ALIGNABLE_ANNOTATION",
                    {"ANNOTATION_ID": ann_id, "TIME_SLOT_REF1": slot(start),
                     "TIME_SLOT_REF2": slot(end), "CVE_REF": f"cve_{e.code}"},
                )  # fmt: skip
                ET.SubElement(align, "ANNOTATION_VALUE").text = e.code
                text = _detail(data, e)
                if text:
                    details.append((ann_id, text))
            if details:
                dtier = ET.SubElement(
                    root,
                    "TIER",
                    {"LINGUISTIC_TYPE_REF": "detail", "TIER_ID": f"{tier_id} details",
                     "PARENT_REF": tier_id, "PARTICIPANT": name, "ANNOTATOR": info.observer},
                )  # fmt: skip
                for ref, text in details:
                    annotations += 1
                    holder = ET.SubElement(dtier, "ANNOTATION")
                    refa = ET.SubElement(
                        holder,
                        "REF_ANNOTATION",
                        {"ANNOTATION_ID": f"a{annotations}", "ANNOTATION_REF": ref},
                    )
                    ET.SubElement(refa, "ANNOTATION_VALUE").text = text
    ET.SubElement(header, "PROPERTY", {"NAME": "lastUsedAnnotationId"}).text = str(annotations)
    ET.SubElement(
        root,
        "LINGUISTIC_TYPE",
        {"LINGUISTIC_TYPE_ID": "code", "TIME_ALIGNABLE": "true", "GRAPHIC_REFERENCES": "false",
         "CONTROLLED_VOCABULARY_REF": CV_ID},
    )  # fmt: skip
    ET.SubElement(
        root,
        "LINGUISTIC_TYPE",
        {"LINGUISTIC_TYPE_ID": "detail", "TIME_ALIGNABLE": "false",
         "CONSTRAINTS": "Symbolic_Association", "GRAPHIC_REFERENCES": "false"},
    )  # fmt: skip
    ET.SubElement(
        root,
        "LANGUAGE",
        {"LANG_DEF": "http://cdb.iso.org/lg/CDB-00130975-001", "LANG_ID": "eng",
         "LANG_LABEL": "English (eng)"},
    )  # fmt: skip
    for stereotype, description in (
        ("Time_Subdivision", "Time subdivision of parent annotation's time interval, no time "
         "gaps allowed within this interval"),
        ("Symbolic_Subdivision", "Symbolic subdivision of a parent annotation. Annotations "
         "refering to the same parent are ordered"),
        ("Symbolic_Association", "1-1 association with a parent annotation"),
        ("Included_In", "Time alignable annotations within the parent annotation's time "
         "interval, gaps are allowed"),
    ):  # fmt: skip
        ET.SubElement(root, "CONSTRAINT", {"DESCRIPTION": description, "STEREOTYPE": stereotype})
    cv = ET.SubElement(root, "CONTROLLED_VOCABULARY", {"CV_ID": CV_ID})
    names = ", ".join(f"{b.name} {b.version}" for b in more.codebooks)
    ET.SubElement(cv, "DESCRIPTION", {"LANG_REF": "eng"}).text = names
    for code in info.palette.codes:
        entry = ET.SubElement(cv, "CV_ENTRY_ML", {"CVE_ID": f"cve_{code.id}"})
        description = code.label + (f" ({code.category})" if code.category else "")
        ET.SubElement(
            entry, "CVE_VALUE", {"DESCRIPTION": description, "LANG_REF": "eng"}
        ).text = code.id
    return root


def eaf_notices(store: Store, coding_id: int) -> list[str]:
    """What an ELAN file of this coding would not carry as it is."""
    data = read_for_export(store, coding_id, details=True)
    info, more = data.record()
    notices = []
    running = [e for e, was in zip(closed_events(data), data.events, strict=True)
               if was.end_ms is None and e.end_ms is not None]  # fmt: skip
    if running:
        notices.append(
            f"{data.name}: {counted(len(running), 'state')} still running "
            f"{plural(len(running), 'ends', 'end')} at the coding's end "
            f"({format_time(data.duration_ms)})"
        )
    linked = info.media_file_id or (more.media[0].id if more.media else None)
    others = [m.path for m in more.media if m.id != linked]
    if others:
        notices.append(f"{data.name}: ELAN links one recording; not linked: {', '.join(others)}")
    if more.process_notes:
        notices.append(f"{data.name}: its {counted(len(more.process_notes), 'process note')}")
    return notices


def export_eaf(
    store: Store,
    coding_id: int,
    path: Path,
    progress: Progress = no_progress,
    deidentify: bool = False,
    dates: str = "drop",
    **_: Any,
) -> int:
    """Write one coding as an ELAN file; returns the number of events."""
    data = read_for_export(store, coding_id, True, deidentify, dates=dates)
    progress(0, 1)
    root = eaf_document(data)
    ET.indent(root, space=" ")
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)
    progress(1, 1)
    return len(data.events)
