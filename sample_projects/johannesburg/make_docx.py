#!/usr/bin/env python3
"""Writes the .docx versions of the first five transcripts from their .txt, as a transcription
service would deliver them: a heading, the header lines, then one paragraph per speaker turn.

Run once when a transcript's text changes; the .docx files are committed beside the .txt.
"""
from pathlib import Path

from docx import Document

HERE = Path(__file__).resolve().parent
DOCX_SOURCES = [f"interview0{i}" for i in range(1, 6)]


def make(txt: Path) -> Path:
    lines = txt.read_text(encoding="utf-8").split("\n")
    doc = Document()
    doc.core_properties.author = "Workbench sample project"
    doc.add_heading(lines[0], level=1)
    for line in lines[1:]:
        if line.strip():
            doc.add_paragraph(line)
    out = txt.with_suffix(".docx")
    doc.save(out)
    return out


if __name__ == "__main__":
    for txt in sorted((HERE / "sources").glob("*.txt")):
        if any(txt.name.startswith(p) for p in DOCX_SOURCES):
            print("wrote", make(txt))
