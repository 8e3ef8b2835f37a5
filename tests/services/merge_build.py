"""Hand-built merge inputs: tiny States written out in a test, and both merge directions of them."""
from __future__ import annotations

from workbench.services.merge_conflicts import Ctx
from workbench.services.merge_rules import merge_states
from workbench.services.merge_state import (
    AttributeRow,
    CaseRow,
    CodeRow,
    CoderRow,
    MergeCodingRow,
    FolderRow,
    MemoRow,
    PassageRow,
    QueryRow,
    SourceRow,
    State,
    TombRow,
    ValueRow,
)

T = {n: f"2024-01-{n:02d}T00:00:00.000000Z" for n in range(1, 29)}  # T[1] < T[2] < ...


def G(n: int) -> str:
    """A GUID ordered by n: G(1) < G(2) < ..."""
    return f"00000000-0000-4000-8000-{n:012d}"


THANDI, PIETER = G(901), G(902)
SRC = G(801)


def state(label: str = "side", coders=(("Thandi", THANDI), ("Pieter", PIETER)), with_source=True,
          **tables) -> State:
    """A State with the two coders and one source (unless told otherwise) plus the given tables."""
    st = State(label=label, project_guid=G(999))
    for name, g in coders:
        st.coder[g] = CoderRow(name, T[1])
    if with_source:
        st.source[SRC] = SourceRow("interview.txt", "sha-interview", 100, 0, T[1], "")
    for kind, rows in tables.items():
        getattr(st, kind).update(rows)
    return st


def code(name: str, parent: str | None = None, t: int = 1, color: str = "#4e79a7", description: str = "",
         position: int = 0, created: int = 1) -> CodeRow:
    return CodeRow(parent, name, color, description, position, T[created], T[t])


def coding(code_guid: str, coder: str = THANDI, start: int = 0, end: int = 10, t: int = 1,
           source: str = SRC) -> MergeCodingRow:
    return MergeCodingRow(source, code_guid, coder, start, end, T[t])


def passage(case_guid: str, start: int = 0, end: int = 10, t: int = 1, source: str = SRC,
            by: str | None = THANDI) -> PassageRow:
    return PassageRow(case_guid, source, start, end, T[t], by)


def case(name: str, t: int = 1, description: str = "", position: int = 0) -> CaseRow:
    return CaseRow(name, description, position, T[1], T[t])


def attribute(name: str, type_: str = "text", t: int = 1, position: int = 0) -> AttributeRow:
    return AttributeRow(name, type_, position, T[1], T[t])


def value(v: str, t: int = 1, by: str | None = THANDI) -> ValueRow:
    return ValueRow(v, T[t], by)


def memo(text: str, kind: str = "project", target: str | None = None, author: str | None = THANDI,
         t: int = 1) -> MemoRow:
    return MemoRow("", text, kind, target, author, T[1], T[t])


def source(name: str, sha: str, t: int = 1, folder: str | None = None) -> SourceRow:
    return SourceRow(name, sha, 100, 0, T[t], "", folder)


def folder(name: str, parent: str | None = None, t: int = 1, position: int = 0) -> FolderRow:
    return FolderRow(parent, name, position, T[1], T[t])


def query(name: str, definition: str = "{}", t: int = 1) -> QueryRow:
    return QueryRow(name, definition, T[1], T[t])


def tomb(kind: str, t: int = 2, by: str = "", detail: str = "") -> TombRow:
    return TombRow(kind, T[t], by, detail)


def redirect(kind: str, into: str, t: int = 2, by: str = "") -> TombRow:
    return TombRow(kind, T[t], by, f"merged into guid:{into}")


def merge(ours: State, other: State, base: str = "", resolutions: dict | None = None,
          seen: set | None = None, answers: dict | None = None) -> tuple[State, Ctx]:
    """Merge other into ours; seen (and answers, by version) as an earlier merge into ours left them."""
    ctx = Ctx(base, "0:", resolutions or {}, seen or set(), answers=answers or {})
    return merge_states(ctx, ours, other), ctx


def view(st: State) -> dict:
    """A merged State without what depends on the moment of merging or the file it came from."""
    return {
        "coder": st.coder, "folder": st.folder, "source": {g: (*r[:5], r.folder) for g, r in st.source.items()},
        "pages": st.pages, "code": st.code, "coding": st.coding, "case": st.case, "case_passage": st.case_passage,
        "attribute": st.attribute, "memo": st.memo,
        "values": st.values, "links": st.links, "queries": st.queries,
        "tombstones": {g: (t.kind, t.detail, t.deleted_by) for g, t in st.tombstones.items()},
    }


def both(a: State, b: State, base: str = "", **kw) -> tuple[State, Ctx, Ctx]:
    """Merge b into a and a into b; the two results must agree. Returns a-into-b's result and both contexts."""
    r1, c1 = merge(a, b, base, **kw)
    r2, c2 = merge(b, a, base, **kw)
    assert view(r1) == view(r2), "the two merge directions disagree"
    assert sorted(c.key for c in c1.conflicts) == sorted(c.key for c in c2.conflicts)
    return r1, c1, c2
