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

Typed expressions are bounded (issue 12, item 8): parentheses nest at most MAX_NESTING deep,
an expression names at most MAX_LEAVES code paths and NEAR/n takes n up to MAX_NEAR; past
that the expression is refused in one line. Trees are walked with explicit stacks, so a
long chain of ORs is no deeper for Python than a short one.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from workbench.core.errors import ValidationError

Atom = tuple[int, int, int]  # (coding id, start, end)

MAX_NESTING = 100
MAX_LEAVES = 1000
MAX_NEAR = 1_000_000_000  # far beyond any source (texts are limited to 50 million characters)


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
        whole = text if len(text) <= 80 else text[:60] + "…"  # one readable line, however long the input
        super().__init__(f"expression {whole!r}: {problem} at {where}{shown}")


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
                digits = dist.group(1).lstrip("0") or "0"
                if len(digits) > len(str(MAX_NEAR)) or int(digits) > MAX_NEAR:
                    raise ExprError(text, i, f"the NEAR distance is larger than {MAX_NEAR:,} code points")
                out.append(("NEAR", int(digits), i))
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
    paths = sum(1 for t in toks if t[0] == "STR")
    if paths > MAX_LEAVES:
        raise ExprError(text, 0, f"it names {paths} code paths; at most {MAX_LEAVES} can be combined")
    pos = 0
    depth = 0

    def peek():
        return toks[pos]

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def atom() -> Node:
        nonlocal depth
        kind, value, at = take()
        if kind == "STR":
            return Leaf(value, at)
        if kind == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise ExprError(text, at, f"parentheses are nested more than {MAX_NESTING} deep")
            node = expr()
            if peek()[0] != ")":
                raise ExprError(text, peek()[2], "expected ')' to close the '(' at character " f"{at + 1}")
            take()
            depth -= 1
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
    """The code paths of an expression, left to right."""
    out, stack = [], [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, Leaf):
            out.append(cur)
        else:
            stack.extend((cur.right, cur.left))
    return out


def fold(node: Node, leaf, binary):
    """Combine a tree bottom-up without recursion: leaf(Leaf) for leaves and
    binary(Binary, left result, right result) for operators."""
    results: list = []
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        cur, ready = stack.pop()
        if isinstance(cur, Leaf):
            results.append(leaf(cur))
        elif ready:
            right = results.pop()
            results.append(binary(cur, results.pop(), right))
        else:
            stack.extend(((cur, True), (cur.right, False), (cur.left, False)))
    return results[0]


def render(node: Node) -> str:
    """The expression written back with full parentheses (for titles and tests)."""
    def leaf(n: Leaf) -> str:
        return '"' + n.path.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def binary(n: Binary, left: str, right: str) -> str:
        op = f"NEAR/{n.n}" if n.op == "NEAR" else n.op
        return f"({left} {op} {right})"

    return fold(node, leaf, binary)


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
    return fold(node, leaf_value, _combine)


def _combine(node: Binary, left: Value, right: Value) -> Value:
    if node.op == "NEAR":
        if not isinstance(node.left, Leaf):
            left = {sid: stretches(v) for sid, v in left.items()}
        right = {sid: stretches(v) for sid, v in right.items()}
        out = {sid: near(segs, right[sid], node.n) for sid, segs in left.items() if sid in right}
        return {sid: v for sid, v in out.items() if v}
    a = {sid: stretches(v) for sid, v in left.items()}
    b = {sid: stretches(v) for sid, v in right.items()}
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

    by_code: dict[int, list] = {}
    for row in rows:
        by_code.setdefault(row[3], []).append(row)
    cache: dict[str, Value] = {}

    def leaf_value(leaf: Leaf) -> Value:
        # A path named twice is read once; the result is never changed in place.
        if leaf.path in cache:
            return cache[leaf.path]
        out: Value = {}
        for code in leaf_ids[leaf.path]:
            for sid, start, end, _, cid, _, _ in by_code.get(code, ()):
                out.setdefault(sid, []).append(Seg(start, end, ((cid, start, end),)))
        for v in out.values():
            v.sort(key=lambda s: (s.start, s.end))
        cache[leaf.path] = out
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
