"""Instrument files: read and validate the YAML of a rating questionnaire.

Validated as strictly as codebooks and with the same reader: every problem is reported at
once as ``FILE:LINE: field: message`` (format in ``docs/ratings.md``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from observer.domain.codebook import CodebookError, Problem
from observer.domain.codebook_file import _encoding_problem, _Reader, parse_checked
from observer.domain.errors import InputError
from observer.domain.instrument import RATERS, WATCH, Instrument, Item, Scale

_TOP_KEYS = {
    "instrument", "name", "version", "source", "response_scale", "items", "scales", "raters",
    "max_missing",
}  # fmt: skip


class InstrumentError(CodebookError):
    """An instrument file that cannot be used, with every problem found in it."""


def _whole(r: _Reader, node: yaml.Node, fld: str, low: int = 0) -> int | None:
    """A whole number of at least ``low``; None (a problem noted) when it is not one."""
    value = r.text(node, fld)
    if not value.removeprefix("-").isdigit():
        r.problem(node, fld, f"expected a whole number, not {value!r}")
        return None
    number = int(value)
    if number < low:
        r.problem(node, fld, f"must be {low} or more")
        return None
    return number


def parse_instrument(text: str, file: str = "<instrument>") -> Instrument:
    """Parse and validate an instrument's YAML text; raise InstrumentError listing every problem."""
    return parse_checked(text, file, InstrumentError, _read)


def _read(r: _Reader, root: yaml.Node, text: str) -> Instrument | None:
    top = r.mapping(root, "")
    if not isinstance(root, yaml.MappingNode):
        return None
    r.unknown_keys(top, _TOP_KEYS, "")

    def required_text(key: str, slug: bool = False) -> str:
        node = r.require(top, key, root, "")
        if node is None:
            return ""
        return r.slug(node, key) if slug else r.text(node, key, allow_empty=False)

    ident = required_text("instrument", slug=True)
    name = required_text("name")
    version = required_text("version")
    # Whose questionnaire it is and where it was published: required, so no file goes
    # round without saying whether it may be shared.
    source = required_text("source")

    low, high, anchors = 0, 0, {}
    scale_node = r.require(top, "response_scale", root, "")
    if scale_node is not None:
        items = r.mapping(scale_node, "response_scale")
        r.unknown_keys(items, {"min", "max", "anchors"}, "response_scale")
        for key in ("min", "max"):
            r.require(items, key, scale_node, "response_scale")
        given_low = _whole(r, items["min"][1], "response_scale.min") if "min" in items else None
        given_high = _whole(r, items["max"][1], "response_scale.max") if "max" in items else None
        known = given_low is not None and given_high is not None
        low, high = given_low or 0, given_high or 0
        if known and high <= low:
            r.problem(items["max"][1], "response_scale.max", "must be more than min")
        if "anchors" in items:
            for key, (key_node, value_node) in r.mapping(
                items["anchors"][1], "response_scale.anchors"
            ).items():
                fld = f"response_scale.anchors.{key}"
                point = _whole(r, key_node, fld, low=-(10**6))
                if point is not None and known and not low <= point <= high:
                    r.problem(key_node, fld, f"{point} is outside {low}–{high}")
                label = r.text(value_node, fld, allow_empty=False)
                if point is not None:
                    anchors[point] = label

    questions: list[Item] = []
    items_node = r.require(top, "items", root, "")
    for i, node in enumerate(r.sequence(items_node, "items") if items_node else [], start=1):
        fld = f"items[{i}]"
        question = r.text(node, fld, allow_empty=False)
        questions.append(Item(i, question))
    if items_node is not None and not questions and isinstance(items_node, yaml.SequenceNode):
        r.problem(items_node, "items", "lists no item")

    scales = _read_scales(r, top, root, len(questions))

    raters: tuple[str, ...] = RATERS
    if "raters" in top:
        nodes = r.sequence(top["raters"][1], "raters")
        raters = tuple(r.choice(n, "raters", RATERS) for n in nodes)
        if not raters and nodes == [] and isinstance(top["raters"][1], yaml.SequenceNode):
            r.problem(top["raters"][1], "raters", "names no rater")

    max_missing = 0
    if "max_missing" in top:
        node = top["max_missing"][1]
        max_missing = _whole(r, node, "max_missing") or 0
        if questions and max_missing >= len(questions):
            r.problem(node, "max_missing", f"must be fewer than the {len(questions)} items")
    return Instrument(
        id=ident,
        name=name,
        version=version,
        source=source,
        low=low,
        high=high,
        anchors=dict(sorted(anchors.items())),
        items=tuple(questions),
        scales=scales,
        raters=raters,
        max_missing=max_missing,
        text=text,
    )


def _read_scales(
    r: _Reader, top: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node, count: int
) -> tuple[Scale, ...]:
    scales: list[Scale] = []
    node = r.require(top, "scales", root, "")
    if node is None:
        return ()
    for scale_id, (key_node, value_node) in r.mapping(node, "scales").items():
        fld = f"scales.{scale_id}"
        r.slug(key_node, fld)
        items = r.mapping(value_node, fld)
        r.unknown_keys(items, {"label", "items", "score", "flag_when"}, fld)
        label = r.text(items["label"][1], f"{fld}.label") if "label" in items else scale_id
        if "score" in items:
            # One scoring rule is supported; naming it keeps the file honest about it.
            r.choice(items["score"][1], f"{fld}.score", ("mean",))
        flag_when = (
            r.choice(items["flag_when"][1], f"{fld}.flag_when", WATCH[:2])
            if ("flag_when" in items)
            else ""
        )
        numbers: list[int] = []
        list_node = r.require(items, "items", value_node, fld)
        for item_node in r.sequence(list_node, f"{fld}.items") if list_node else []:
            number = _whole(r, item_node, f"{fld}.items", low=1)
            if number is None:
                continue
            if count and number > count:
                r.problem(item_node, f"{fld}.items", f"no item {number} (there are {count})")
            elif number in numbers:
                r.problem(item_node, f"{fld}.items", f"item {number} appears twice")
            numbers.append(number)
        if list_node is not None and not numbers and isinstance(list_node, yaml.SequenceNode):
            r.problem(list_node, f"{fld}.items", "lists no item")
        scales.append(Scale(scale_id, label, tuple(numbers), flag_when))
    return tuple(scales)


def load_instrument(path: str | Path) -> Instrument:
    """Read and validate one instrument file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InstrumentError([_encoding_problem(str(path), exc)]) from exc
    except OSError as exc:
        cannot = Problem(str(path), 1, "file", f"cannot read: {exc.strerror}")
        raise InstrumentError([cannot]) from exc
    return parse_instrument(text, str(path))


def shipped_instruments() -> list[Instrument]:
    """The questionnaires that come with the application (only ones free to share)."""
    folder = resources.files("instruments")
    return [
        parse_instrument(entry.read_text(encoding="utf-8"), entry.name)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]


def find_instrument(name: str) -> Instrument:
    """A shipped instrument by id, or an instrument file by its path."""
    for instrument in shipped_instruments():
        if instrument.id == name:
            return instrument
    if name.endswith((".yaml", ".yml")) or Path(name).is_file():
        return load_instrument(name)
    known = ", ".join(i.id for i in shipped_instruments())
    raise InputError(f"No instrument {name!r}; the shipped ones are: {known} (or give a file)")
