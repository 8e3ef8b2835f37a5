"""Fuzzing the importers with mutated files of each format, through `workbench import`.

Seeds are built here (a little of everything each format has: lists, tables, notes,
encodings); hypothesis flips, cuts, repeats and inserts bytes, and for zip formats also
mutates the XML inside and packs it again (so the damage reaches the parser, not only the
zip checksum). A mutated file is imported, or refused in one line naming it; what is
imported is valid Unicode with '\\n' line ends, within the text limit.
"""
from __future__ import annotations

import importlib.util
import io
import itertools
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from .harness import fuzz_settings, run_cli

_spec = importlib.util.spec_from_file_location("_io_builders_fuzz", Path(__file__).resolve().parents[1] / "io" /
                                               "conftest.py")
_io = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_io)

W_P = _io.w_p
SEEDS: dict[str, bytes] = {
    ".txt": "[00:00:05] Interviewer: Café “own” agenda – 5 €\r\nMs Dlamini: naïve façade 😀\n".encode("utf-8"),
    ".txt1252": "Interviewer: Café “own” – 5 €\nMs Dlamini: naïve façade\n".encode("cp1252"),
    ".md": "# Heading\n\n* item *one*\n1. [link](http://x)\n\n> quote\n".encode("utf-8"),
    ".html": ('<html><head><meta charset="windows-1252"><title>t</title><style>p{}</style></head><body>'
              '<h1>Title</h1><p>Caf\xe9 &amp; <b>bold</b><br>line</p><ol type="i" start="3"><li>one<li>two'
              '<ol type="a"><li>deep</ol></ol><table><tr><td>a<td>b</table><pre>  kept\n</pre></body></html>'
              ).encode("cp1252"),
    ".rtf": (rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\f0 Caf\'e9 \u8220?quoted\u8221? "
             rb"\par {\b bold}\par\trowd\cellx1000\cellx2000 a\cell b\cell\row\par \u-10179?\u-8704?}"),
    ".docx": _io.build_docx(
        W_P("Heading one", ppr='<w:pStyle w:val="Heading1"/>')
        + W_P("1. numbered", ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
        + W_P("2. again", ppr='<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>')
        + W_P("text", '<w:r><w:footnoteReference w:id="1"/></w:r>', '<w:r><w:tab/><w:t>after</w:t></w:r>')
        + "<w:tbl><w:tr><w:tc>" + W_P("cell a") + "</w:tc><w:tc>" + W_P("cell b") + "</w:tc></w:tr></w:tbl>",
        footnotes='<w:footnote w:id="1"><w:p><w:r><w:t>the note</w:t></w:r></w:p></w:footnote>',
        numbering=('<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                   '<w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1">'
                   '<w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2)"/></w:lvl></w:abstractNum>'
                   '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')),
    ".odt": _io.build_odt(
        '<text:h text:outline-level="1">Heading</text:h><text:p>Caf\u00e9 <text:s text:c="3"/>x<text:tab/>y'
        '<text:line-break/>z<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>note'
        '</text:p></text:note-body></text:note></text:p><text:list text:style-name="L1"><text:list-item><text:p>'
        'one</text:p></text:list-item></text:list><table:table><table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="2"><text:p>c</text:p></table:table-cell>'
        '</table:table-row></table:table>',
        automatic_styles='<text:list-style style:name="L1"><text:list-level-style-number text:level="1" '
                         'style:num-format="i" style:num-suffix="."/></text:list-style>'),
    ".pdf": _io.build_pdf([["[00:00:05] Interviewer: How does the city choose?", "Caf\u00e9 \u201cown\u201d \u20ac5"],
                           ["(the) province \\ waits"], []]),
}

edits = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "repeat", "truncate"]),
                           st.floats(0, 1), st.integers(1, 64), st.binary(min_size=1, max_size=16)),
                 min_size=1, max_size=6)


def mutate(data: bytes, plan) -> bytes:
    out = bytearray(data)
    for op, where, size, junk in plan:
        if not out:
            out = bytearray(junk)
            continue
        at = int(where * (len(out) - 1))
        if op == "flip":
            for k in range(min(size, 8)):
                if at + k < len(out):
                    out[at + k] ^= junk[k % len(junk)] or 0xFF
        elif op == "delete":
            del out[at:at + size]
        elif op == "insert":
            out[at:at] = junk * max(1, size // len(junk))
        elif op == "repeat":
            out[at:at] = out[at:at + size] * 50
        else:
            del out[at + 1:]
    return bytes(out)


def mutate_members(data: bytes, plan) -> bytes:
    """Mutate the XML inside a zip package and pack it again, checksums right."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith(".xml") and info.filename != "[Content_Types].xml":
                body = mutate(body, plan)
            dst.writestr(info.filename, body)
    return buf.getvalue()


_serial = itertools.count()


def _import(fuzz_project, tmp_path_factory, area: str, suffix: str, data: bytes):
    path = tmp_path_factory.mktemp("files") / f"mutant-{next(_serial)}{suffix}"  # a name no other source has
    path.write_bytes(data)
    outcome = run_cli(area, ["import", str(fuzz_project), str(path)])
    assert outcome.category == "clean", str(outcome)
    if outcome.code == 0 and outcome.out.startswith("imported"):
        text = run_cli(None, ["text", str(fuzz_project), path.name])
        assert text.category == "clean" and text.code == 0, str(text)
        assert "\r" not in text.out and "\ufffe" not in text.out
    else:
        assert str(path) in outcome.err, outcome.err


@fuzz_settings(12)
@given(kind=st.sampled_from(sorted(SEEDS)), plan=edits)
def test_mutated_files_of_every_format(fuzz_project, tmp_path_factory, kind, plan):
    suffix = kind[:4] if kind.startswith(".txt") else kind
    _import(fuzz_project, tmp_path_factory, f"file bytes {suffix}", suffix, mutate(SEEDS[kind], plan))


@fuzz_settings(6)
@given(kind=st.sampled_from([".docx", ".odt"]), plan=edits)
def test_mutated_xml_inside_documents(fuzz_project, tmp_path_factory, kind, plan):
    _import(fuzz_project, tmp_path_factory, f"file xml {kind}", kind, mutate_members(SEEDS[kind], plan))


@fuzz_settings(4)
@given(kind=st.sampled_from(sorted(SEEDS)), into=st.sampled_from([".txt", ".md", ".html", ".rtf", ".docx", ".odt",
                                                                  ".pdf", ".htm", ".TXT"]))
def test_files_under_the_wrong_extension(fuzz_project, tmp_path_factory, kind, into):
    _import(fuzz_project, tmp_path_factory, "file wrong extension", into, SEEDS[kind])
