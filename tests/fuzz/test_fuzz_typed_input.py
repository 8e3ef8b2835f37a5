"""Fuzzing every typed input of the command line: names, code paths, expressions, search
strings, offsets, filters, file paths in any bytes.

Each run must be clean (exit 0, or one line and exit 1/2; see harness.py); where the right
answer is known without the program (a stored text's slice, whether offsets fit a text of
known length), exit 0 must give it.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from .harness import fuzz_settings, run_cli
from .small_project import CODES, SOURCES

CODE_PATHS = [c for c, _ in CODES]
# What a shell can pass: any bytes but NUL, decoded as Python decodes argv (surrogateescape).
argv_text = st.one_of(
    st.text(st.characters(exclude_characters="\x00"), max_size=40),
    st.binary(max_size=40).map(lambda b: os.fsdecode(b.replace(b"\x00", b""))),
    st.sampled_from(["", " ", "/", "//", "a//b", "/x", "x/", "\\", "a\\/b", "a\\\\/b", "x\\", "-", "--", "=1+1",
                     "'", '"', "\u202e", "\ufeff", "😀", "é" * 300, "9" * 5000, *CODE_PATHS]),
)
big_int = st.one_of(st.integers(), st.integers(-2**80, 2**80), st.integers(0, 200))
number_text = st.one_of(big_int.map(str), st.sampled_from(["", " 5", "5.0", "1e3", "\u0663", "0x10", "-0", "+7"]))
EXPR_TOKENS = ['"autonomy"', '"provincial constraint"', '"autonomy/own funding"', '"nope"', '"', "\u201c", "\u201d",
               "(", ")", "AND", "OR", "NOT", "and", "NEAR/5", "NEAR/0", "NEAR/", "NEAR/x", "NEAR/" + "9" * 30, "\\",
               '"a\\"b"', '""', "*", "AND NOT"]
expressions = st.one_of(
    st.lists(st.sampled_from(EXPR_TOKENS), max_size=30).map(" ".join),
    st.integers(1, 400).map(lambda n: "(" * n + '"autonomy"' + ")" * n),
    st.integers(1, 1100).map(lambda n: " OR ".join(['"autonomy"'] * n)),
    argv_text,
)
SEARCH_TOKENS = ["agenda", "province*", '"sister city"', '"', "*", "-", "OR", "AND", "NOT", "NEAR", "(", ")", "^",
                 ":", "col:", "😀", "Zürich", "a" * 200, "'", "+", "{", "}"]
searches = st.one_of(st.lists(st.sampled_from(SEARCH_TOKENS), min_size=1, max_size=12).map(" ".join), argv_text)
attrs = st.one_of(
    st.tuples(st.sampled_from(["region", "country", "year_signed", "nope", ""]),
              st.sampled_from(["=", ">=", "<=", ">", "<", "!=", "==", ""]),
              st.one_of(st.sampled_from(["Africa", "2001", "2001-01-01", "yes", "", "9" * 400]), argv_text))
    .map("".join),
    argv_text,
)


def filters():
    flag = st.sampled_from(["--code", "--source", "--case", "--coder", "--attr"])
    value = st.one_of(argv_text, attrs)
    pairs = st.lists(st.tuples(flag, value), max_size=4)
    return st.tuples(pairs, st.booleans()).map(
        lambda t: [f"{f}={v}" for f, v in t[0]] + (["--with-children"] if t[1] else []))


def assert_clean(outcome):
    assert outcome.category == "clean", str(outcome)
    return outcome


def check_segments(out: str) -> None:
    """Every result's text is the stored text's slice (the stored texts are known: small_project)."""
    for seg in json.loads(out):
        assert seg["text"] == SOURCES[seg["source"]][seg["start"]:seg["end"]], seg


@fuzz_settings(24)
@given(expr=expressions, extra=filters())
def test_query_expressions(fuzz_project, expr, extra):
    outcome = assert_clean(run_cli("query --expr", ["query", str(fuzz_project), f"--expr={expr}", *extra, "--json"]))
    if outcome.code == 0:
        check_segments(outcome.out)


@fuzz_settings(6)
@given(expr=expressions, name=argv_text)
def test_saved_queries(fuzz_project, expr, name):
    assert_clean(run_cli("query --save", ["query", str(fuzz_project), f"--expr={expr}", f"--save={name}"]))


@fuzz_settings(20)
@given(extra=filters())
def test_query_filters(fuzz_project, extra):
    outcome = assert_clean(run_cli("query filters", ["query", str(fuzz_project), *extra, "--json"]))
    if outcome.code == 0:
        check_segments(outcome.out)


@fuzz_settings(20)
@given(text=searches, width=number_text)
def test_search(fuzz_project, text, width):
    outcome = assert_clean(run_cli("search", ["search", str(fuzz_project), text, f"--width={width}", "--json"]))
    if outcome.code == 0:
        for hit in json.loads(outcome.out):
            assert 0 <= hit["start"] < hit["end"] <= len(SOURCES[hit["source"]])


@fuzz_settings(16)
@given(path=argv_text, coder=argv_text, memo=argv_text, source=st.sampled_from([*SOURCES, "nope.txt"]),
       start=big_int, length=st.integers(1, 30))
def test_code_names_and_paths(fuzz_project, path, coder, memo, source, start, length):
    start = start % 150 if abs(start) < 2**70 else start
    outcome = assert_clean(run_cli("code --create", [
        "code", str(fuzz_project), f"--source={source}", f"--code={path}", f"--start={start}",
        f"--end={start + length}", f"--coder={coder}", f"--memo={memo}", "--create"]))
    if outcome.code == 0:  # the coding is there, under the path as typed
        guid = outcome.out.strip()
        found = assert_clean(run_cli(None, ["query", str(fuzz_project), f"--code={path}", "--json"]))
        assert found.code == 0 and guid in {s["coding"] for s in json.loads(found.out)}


@fuzz_settings(20)
@given(start=number_text, end=number_text, source=st.sampled_from(list(SOURCES)))
def test_offsets(fuzz_project, start, end, source):
    outcome = assert_clean(run_cli("code offsets", [
        "code", str(fuzz_project), f"--source={source}", "--code=autonomy", f"--start={start}", f"--end={end}"]))
    try:
        s, e = int(start), int(end)
    except ValueError:
        assert outcome.code == 2  # not a number: a malformed command line
        return
    fits = 0 <= s < e <= len(SOURCES[source])
    assert outcome.code in ((0, 1) if fits else (1,)), str(outcome)  # 1 when fitting: the same coding twice


@fuzz_settings(12)
@given(cols=st.one_of(st.sampled_from(["cases", "coders", "sources", "attr:region", "attr:year_signed", "attr:",
                                       "attr:nope", "codes"]), argv_text),
       count=st.sampled_from(["segments", "sources", "chars", "bogus"]), extra=filters())
def test_matrix(fuzz_project, cols, count, extra):
    assert_clean(run_cli("matrix", ["matrix", str(fuzz_project), "--rows=codes", f"--cols={cols}",
                                    f"--count={count}", *extra, "--json"]))


@fuzz_settings(10)
@given(name=argv_text, command=st.sampled_from(["text", "info", "uncode", "export"]))
def test_other_names(fuzz_project, tmp_path_factory, name, command):
    p = str(fuzz_project)
    argv = {"text": ["text", p, name], "info": ["info", p, "--json"], "uncode": ["uncode", p, name],
            "export": ["export", p, "-o", str(tmp_path_factory.mktemp("x") / "r.docx"), f"--title={name}",
                       f"--case={name}"]}[command]
    assert_clean(run_cli(command, argv))


@fuzz_settings(12)
@given(raw=st.binary(min_size=1, max_size=60), command=st.sampled_from(["import", "project", "codebook", "cases",
                                                                        "export"]))
def test_file_paths_in_any_bytes(fuzz_project, tmp_path_factory, raw, command):
    folder = tmp_path_factory.mktemp("paths")
    name = os.fsdecode(re.sub(rb"[/\x00]", b"_", raw)[:200])
    path = str(folder / name)
    if command in ("import", "codebook", "cases"):
        try:
            Path(path).write_bytes(b"Interviewer: a file named in odd bytes\n")
        except OSError:
            pass  # a name the file system refuses: the command must still answer
    argv = {"import": ["import", str(fuzz_project), path],
            "project": ["info", path, "--json"],
            "codebook": ["codebook", str(fuzz_project), "--import", path],
            "cases": ["cases", str(fuzz_project), "--csv", path],
            "export": ["export", str(fuzz_project), "-o", path]}[command]
    assert_clean(run_cli(f"paths: {command}", argv))
