"""Every refusal of a codebook file reads FILE:LINE: field: message, whatever is wrong with it."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observer.cli.main import main
from observer.domain.codebook import validate_files

SOURCE = (Path(__file__).resolve().parents[3] / "codebooks" / "here-and-now.yaml").read_bytes()
LINES = SOURCE.split(b"\n")


def form(path: Path) -> re.Pattern[str]:
    field = r'(?:"(?:[^"\\]|\\.)*"|[\w.\[\]/-]+)'
    return re.compile(rf"^{re.escape(str(path))}:(\d+): {field}: \S[^\n]*$")


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The shipped codebook with one to three edits a person (or a bad editor) might make."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["drop", "twice", "indent", "bytes", "char", "swap", "cut"]))
        if how == "drop":
            del lines[i]
        elif how == "twice":
            lines.insert(i, lines[i])
        elif how == "indent":
            lines[i] = b" " * draw(st.integers(1, 3)) + lines[i]
        elif how == "bytes":
            at = draw(st.integers(0, len(lines[i])))
            junk = draw(st.binary(min_size=1, max_size=4))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
        elif how == "char":
            at = draw(st.integers(0, max(len(lines[i]) - 1, 0)))
            ch = draw(st.sampled_from(list(b":-[{\"'#\t&*")))
            ch = bytes([ch])
            lines[i] = lines[i][:at] + ch + lines[i][at + 1 :]
        elif how == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif how == "cut":
            lines = lines[:i]
    return b"\n".join(lines)


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated())
def test_every_problem_names_file_line_and_field(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "mine.yaml"
    path.write_bytes(text)
    pattern = form(path)
    for problem in validate_files([path]):
        shown = str(problem)
        match = pattern.match(shown)
        assert match, shown
        assert 1 <= int(match.group(1)) <= text.count(b"\n") + 2, shown
        assert "<unicode string>" not in shown


def test_a_byte_that_is_not_utf8_is_found_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    lines = list(LINES)
    lines[9] = lines[9] + " caf\xe9".encode("latin-1")
    path.write_bytes(b"\n".join(lines))
    [problem] = validate_files([path])
    assert str(problem) == (f"{path}:10: encoding: not UTF-8 text (byte 0xe9); save it as UTF-8")


def test_a_yaml_syntax_error_is_one_line_without_the_parser_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    lines = list(LINES)
    lines[5] = b"  bad: [unclosed"
    path.write_bytes(b"\n".join(lines))
    [problem] = validate_files([path])
    shown = str(problem)
    assert form(path).match(shown) and ": syntax: not valid YAML: " in shown
    assert "position" not in shown and "\n" not in shown


def test_the_command_line_prints_the_same_form(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.yaml"
    path.write_bytes(SOURCE.replace(b"codebook: here-and-now", b"codebook: [", 1))
    assert main(["codebook", "validate", str(path)]) == 1
    out = capsys.readouterr()
    shown = [line for line in (out.out + out.err).splitlines() if line.strip()]
    assert shown and all(form(path).match(line) for line in shown), shown
