"""Highlights written into a stopped Taguette's database the way its highlight/new handler writes them.

Run by Taguette's own Python (benchmarks/.venv-taguette), from taguette_compare.py: over HTTP
each highlight costs Taguette an html5lib parse of its whole document (taguette.extract), about
0.1-0.2 s CPU here, so the L workload's 60,000 would take hours. This does what the handler
does after that parse (web/api.py HighlightAdd: a Highlight row with its snippet, its
highlight_tags rows, a highlight_add Command), in one session, with the snippet cut from the
document's HTML by `snippet` below; a sample of snippets is checked against taguette.extract
first, so the rows are the ones the API would have stored.

Usage: python taguette_fill.py DATABASE HIGHLIGHTS.json   (a list of [document id, start, end, tag id])
"""
import json
import random
import sys
from bisect import bisect_right
from html import escape

from taguette import database, extract


class Paragraphs:
    """A document made of <p>escaped line</p> only, and where each paragraph's text starts in
    Taguette's offsets (UTF-8 bytes of the text, tags not counted)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.starts, pos = [], 0
        for line in lines:
            self.starts.append(pos)
            pos += len(line.encode("utf-8"))
        self.length = pos

    def snippet(self, start: int, end: int) -> str:
        first = max(0, bisect_right(self.starts, start) - 1)
        last = max(first, bisect_right(self.starts, end - 1) - 1)
        parts = []
        for i in range(first, last + 1):
            raw = self.lines[i].encode("utf-8")
            a = max(0, start - self.starts[i])
            b = min(len(raw), end - self.starts[i])
            parts.append(f"<p>{escape(raw[a:b].decode('utf-8'), quote=False)}</p>")
        return "".join(parts)


def main(db_path: str, highlights_file: str) -> int:
    import html as html_module
    import re

    rows = json.load(open(highlights_file))
    Session = database.connect("sqlite:///" + db_path)
    db = Session()
    docs = {}
    for doc in db.query(database.Document).filter(database.Document.id.in_({r[0] for r in rows})):
        body = doc.contents
        lines = [html_module.unescape(m) for m in re.findall(r"<p>(.*?)</p>", body, flags=re.S)]
        docs[doc.id] = (doc, Paragraphs(lines))
    rng = random.Random(3)
    for doc_id, start, end, _tag in rng.sample(rows, min(60, len(rows))):
        doc, par = docs[doc_id]
        want = extract.extract(doc.contents, start, end)
        got = par.snippet(start, end)
        if got != want:
            raise SystemExit(f"snippet of document {doc_id} [{start}, {end}) differs from taguette.extract's:\n"
                             f"{got!r}\n{want!r}")
    user = db.query(database.User).first().login
    n = 0
    for i in range(0, len(rows), 2000):
        for doc_id, start, end, tag in rows[i:i + 2000]:
            doc, par = docs[doc_id]
            snippet = par.snippet(start, end)
            if all(c in "\r\n\t" for c in snippet):
                continue
            hl = database.Highlight(document=doc, start_offset=start, end_offset=end, snippet=snippet)
            db.add(hl)
            db.flush()
            db.execute(database.highlight_tags.insert(), [dict(highlight_id=hl.id, tag_id=tag)])
            cmd = database.Command.highlight_add(user, doc, hl, [tag])
            cmd.tag_count_changes = {tag: 1}
            db.add(cmd)
            n += 1
        db.commit()
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
