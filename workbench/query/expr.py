"""Code combinations over text (`--expr`): AND, OR, AND NOT, NEAR/n and parentheses.

Grammar (AND, AND NOT and NEAR bind tighter than OR; all are left-associative):
    expr   := term ( OR term )*
    term   := atom ( ( AND [NOT] | NEAR/n ) atom )*
    atom   := "quoted code path" | ( expr )
NOT exists only as part of AND NOT. Keywords ignore case.

Meaning, per source: a code stands for the text its codings cover. AND is the text both sides
cover, OR the text either covers, AND NOT the text of the left side the right does not cover;
each yields the maximal unbroken stretches of that text. `a NEAR/n b` keeps each segment of the
left side (each coding when it is a code, each stretch when it is an expression) whose gap to
some segment of the right side is at most n code points (overlapping or touching: gap 0).
Every segment carries the codings that made it ("why"), as (coding id, start, end) atoms.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from workbench.core.errors import ValidationError

Atom = tuple[int, int, int]  # (coding id, start, end)


@dataclass(frozen=True)
class Seg:
    start: int
    end: int
    why: tuple[Atom, ...]


Value = dict[int, list[Seg]]  # source id -> segments sorted by (start, end)


class ExprError(ValidationError):
    """An expression that does not parse; `position` is the 0-based index where it fails."""

    def __init__(self, text: str, position: int, problem: str):
        self.text, self.position, self.problem = text, position, problem
        where = "the end" if position >= len(text) else f"character {position + 1}"
        near = text[position:position + 12]
        shown = f" (at {near!r})" if near.strip() else ""
        super().__init__(f"expression {text!r}: {problem} at {where}{shown}")


@dataclass(frozen=True)
class Leaf:
    path: str
    pos: int


@dataclass(frozen=True)
class Binary:
    op: str  # AND, OR, AND NOT, NEAR
    left: "Node"
    right: "Node"
    n: int = 0


Node = Leaf | Binary

_QUOTES = {'"': '"', "\u201c": "\u201d"}
_WORD = re.compile(r"[A-Za-z]+(?:/\S*)?")


def _tokens(text: str) -> list[tuple]:
    """(kind, value, position) tuples; kinds: STR AND OR NOT NEAR ( ) END."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append((ch, ch, i))
            i += 1
        elif ch in _QUOTES:
            close, j, buf = _QUOTES[ch], i + 1, []
            while j < len(text) and text[j] != close:
                if text[j] == "\\" and j + 1 < len(text) and text[j + 1] in '"\\':
                    buf.append(text[j + 1])  # \" and \\ ; other escapes (\/) belong to the path
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            if j >= len(text):
                raise ExprError(text, i, "this quote is never closed")
            path = "".join(buf).strip()
            if not path:
                raise ExprError(text, i, "empty code path")
            out.append(("STR", path, i))
            i = j + 1
        else:
            m = _WORD.match(text, i)
            word = m.group(0) if m else ch
            up = word.upper()
            if up in ("AND", "OR", "NOT"):
                out.append((up, up, i))
            elif up.startswith("NEAR"):
                dist = re.fullmatch(r"NEAR/(\d+)", up)
                if not dist:
                    raise ExprError(text, i, "NEAR needs a distance in code points, e.g. NEAR/50")
                out.append(("NEAR", int(dist.group(1)), i))
            elif m:
                raise ExprError(text, i, f"unknown word {word!r}; put code paths in double quotes")
            else:
                raise ExprError(text, i, f"unexpected {ch!r}")
            i += len(word)
    out.append(("END", None, len(text)))
    return out


def parse(text: str) -> Node:
    """Parse an expression, raising ExprError naming the position where it fails."""
    toks = _tokens(text)
    pos = 0

    def peek():
        return toks[pos]

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def atom() -> Node:
        kind, value, at = take()
        if kind == "STR":
            return Leaf(value, at)
        if kind == "(":
            node = expr()
            if peek()[0] != ")":
                raise ExprError(text, peek()[2], "expected ')' to close the '(' at character " f"{at + 1}")
            take()
            return node
        if kind == "NOT":
            raise ExprError(text, at, "NOT goes after AND and a left side: write \"a\" AND NOT \"b\"")
        if kind == "END":
            raise ExprError(text, at, "a quoted code path or '(' is missing")
        raise ExprError(text, at, f"expected a quoted code path or '(', found {value!r}")

    def term() -> Node:
        left = atom()
        while True:
            kind, value, at = peek()
            if kind == "AND":
                take()
                if peek()[0] == "NOT":
                    take()
                    left = Binary("AND NOT", left, atom())
                else:
                    left = Binary("AND", left, atom())
            elif kind == "NEAR":
                take()
                left = Binary("NEAR", left, atom(), value)
            elif kind == "NOT":
                raise ExprError(text, at, "NOT needs AND before it: write \"a\" AND NOT \"b\"")
            else:
                return left

    def expr() -> Node:
        left = term()
        while peek()[0] == "OR":
            take()
            left = Binary("OR", left, term())
        return left

    if peek()[0] == "END":
        raise ExprError(text, 0, "the expression is empty")
    node = expr()
    kind, value, at = peek()
    if kind != "END":
        what = "')' without a matching '('" if kind == ")" else f"{value!r}"
        raise ExprError(text, at, f"unexpected {what}; join parts with AND, OR, AND NOT or NEAR/n")
    return node


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    return leaves(node.left) + leaves(node.right)


def render(node: Node) -> str:
    """The expression written back with full parentheses (for titles and tests)."""
    if isinstance(node, Leaf):
        return '"' + node.path.replace("\\", "\\\\").replace('"', '\\"') + '"'
    op = f"NEAR/{node.n}" if node.op == "NEAR" else node.op
    return f"({render(node.left)} {op} {render(node.right)})"


# --- interval algebra over one source ---------------------------------------------------

def stretches(segs: list[Seg]) -> list[Seg]:
    """Maximal unbroken stretches (overlapping or touching segments join), with their atoms."""
    out: list[Seg] = []
    cur_s = cur_e = None
    why: list[Atom] = []
    for seg in sorted(segs, key=lambda x: (x.start, x.end)):
        if cur_e is not None and seg.start <= cur_e:
            cur_e = max(cur_e, seg.end)
            why.extend(seg.why)
        else:
            if cur_e is not None:
                out.append(Seg(cur_s, cur_e, _uniq(why)))
            cur_s, cur_e, why = seg.start, seg.end, list(seg.why)
    if cur_e is not None:
        out.append(Seg(cur_s, cur_e, _uniq(why)))
    return out


def _uniq(atoms) -> tuple[Atom, ...]:
    return tuple(sorted(set(atoms), key=lambda a: (a[1], a[2], a[0])))


def _overlapping(atoms, s: int, e: int) -> list[Atom]:
    return [a for a in atoms if a[1] < e and a[2] > s]


def intersect(a: list[Seg], b: list[Seg]) -> list[Seg]:
    """a AND b over stretches (sorted, disjoint, not touching): the pieces need no merging."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
        if lo < hi:
            out.append(Seg(lo, hi, _uniq(_overlapping(a[i].why, lo, hi) + _overlapping(b[j].why, lo, hi))))
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return out


def subtract(a: list[Seg], b: list[Seg]) -> list[Seg]:
    """a AND NOT b over stretches."""
    out, j = [], 0
    for seg in a:
        pos = seg.start
        while j < len(b) and b[j].end <= seg.start:
            j += 1
        k = j
        while k < len(b) and b[k].start < seg.end:
            if b[k].start > pos:
                out.append(Seg(pos, b[k].start, _uniq(_overlapping(seg.why, pos, b[k].start))))
            pos = max(pos, b[k].end)
            k += 1
        if pos < seg.end:
            out.append(Seg(pos, seg.end, _uniq(_overlapping(seg.why, pos, seg.end))))
    return out


def near(left: list[Seg], right: list[Seg], n: int) -> list[Seg]:
    """The left segments within n code points of some right stretch (right: sorted, disjoint)."""
    ends = [r.end for r in right]
    out = []
    for seg in left:
        k = bisect_left(ends, seg.start - n)  # first right stretch ending at or after start - n
        why, found = list(seg.why), False
        while k < len(right) and right[k].start <= seg.end + n:
            why.extend(right[k].why)
            found = True
            k += 1
        if found:
            out.append(Seg(seg.start, seg.end, _uniq(why)))
    return out


def evaluate(node: Node, leaf_value) -> Value:
    """The node's segments per source. `leaf_value(leaf)` gives a leaf's codings as segments."""
    if isinstance(node, Leaf):
        return leaf_value(node)
    if node.op == "NEAR":
        left = evaluate(node.left, leaf_value)
        if not isinstance(node.left, Leaf):
            left = {sid: stretches(v) for sid, v in left.items()}
        right = {sid: stretches(v) for sid, v in evaluate(node.right, leaf_value).items()}
        out = {sid: near(segs, right[sid], node.n) for sid, segs in left.items() if sid in right}
        return {sid: v for sid, v in out.items() if v}
    a = {sid: stretches(v) for sid, v in evaluate(node.left, leaf_value).items()}
    b = {sid: stretches(v) for sid, v in evaluate(node.right, leaf_value).items()}
    if node.op == "OR":
        return {sid: stretches(a.get(sid, []) + b.get(sid, [])) for sid in a.keys() | b.keys()}
    if node.op == "AND":
        out = {sid: intersect(a[sid], b[sid]) for sid in a.keys() & b.keys()}
    else:  # AND NOT
        out = {sid: subtract(segs, b.get(sid, [])) for sid, segs in a.items()}
    return {sid: v for sid, v in out.items() if v}


def results(node: Node, leaf_value) -> Value:
    """What the expression yields: NEAR its kept left segments, anything else its stretches."""
    value = evaluate(node, leaf_value)
    if isinstance(node, Binary) and node.op == "NEAR":
        return {sid: sorted(v, key=lambda s: (s.start, s.end)) for sid, v in value.items()}
    return {sid: stretches(v) for sid, v in value.items()}


def evaluate_to_segments(session, text: str, filters, sel, names) -> list:
    """Parse, resolve the code paths (unknown ones raise with suggestions), evaluate, and
    return Segments whose `codings` say why each matched."""
    return node_to_segments(session, parse(text), filters, sel, names)


def node_to_segments(session, node: Node, filters, sel, names) -> list:
    """Evaluate a parsed expression over the codings the selection lets take part."""
    from workbench.query.segments import Segment, coding_rows
    from workbench.services.lookup import code_by_path

    leaf_ids: dict[str, set[int]] = {}
    for leaf in leaves(node):
        cid = code_by_path(session, leaf.path, sel.tree)
        leaf_ids[leaf.path] = set(sel.tree.subtree(cid)) if filters.with_children else {cid}
    rows = coding_rows(session, sel, set().union(*leaf_ids.values()))
    by_id = {r[4]: r for r in rows}  # (source_id, start, end, code_id, id, guid, coder_id)

    def leaf_value(leaf: Leaf) -> Value:
        ids = leaf_ids[leaf.path]
        out: Value = {}
        for sid, start, end, code, cid, _, _ in rows:
            if code in ids:
                out.setdefault(sid, []).append(Seg(start, end, ((cid, start, end),)))
        for v in out.values():
            v.sort(key=lambda s: (s.start, s.end))
        return out

    found = results(node, leaf_value)
    texts = names.texts(found.keys())
    segments = []
    for sid in sorted(found, key=lambda i: names.source_order[i]):
        for seg in found[sid]:
            ids = list(dict.fromkeys(a[0] for a in seg.why))  # a coding cut by a case's passages gives several atoms
            contributing = sorted({by_id[i][3] for i in ids}, key=lambda c: names.code_order.get(c, 0))
            coders = sorted({names.coder.get(by_id[i][6], "") for i in ids})
            one = by_id[ids[0]] if len(ids) == 1 else None
            segments.append(Segment(
                one[4] if one else None, one[5] if one else None, sid, names.source[sid],
                names.case_at(sid, seg.start, seg.end),
                contributing[0] if len(contributing) == 1 else None,
                "; ".join(names.tree.path(c) for c in contributing), "; ".join(coders),
                seg.start, seg.end, texts[sid][seg.start:seg.end],
                tuple(by_id[i][5] for i in ids), tuple(ids)))
    return segments
