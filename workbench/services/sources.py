"""Importing sources into a project, renaming and deleting them."""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workbench.core.changes import Changes, Kind
from workbench.core.errors import Cancelled, ImportRefused, NotFoundError, ValidationError, WorkbenchError
from workbench.core.names import clean_name, name_key
from workbench.core.timeutil import now_iso
from workbench.io.importers.base import ImportedDocument, document_from_bytes, read_document
from workbench.core.text import shown
from workbench.services.coders import ensure_coder
from workbench.services.tombstones import bury, unbury
from workbench.store.errors import database_problem
from workbench.store.models import Case, CasePassage, CaseSource, Coding, Memo, Source, SourcePage, SpeakerTurn, bumped
from workbench.store.project import Project

Report = Callable[[int, int, str], None]
ShouldStop = Callable[[], bool]


@dataclass
class ImportOutcome:
    """One file's result: 'imported', 'skipped' (same content already there) or 'failed'."""

    path: str
    status: str
    message: str = ""
    source_id: int | None = None


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack_original(data: bytes) -> bytes:
    # Originals are mostly text or zipped XML; zlib keeps the project under 3x the raw text.
    return zlib.compress(data, 6)


def unpack_original(data: bytes | None, encoding: str, text: str | None = None) -> bytes | None:
    """The original file's bytes. 'text' means the file was exactly the stored text in UTF-8."""
    if encoding == "text":
        return text.encode("utf-8") if text is not None else None
    if data is None:
        return None
    return zlib.decompress(data) if encoding == "zlib" else data


def source_original(session: Session, source_id: int) -> bytes | None:
    row = session.execute(
        select(Source.original, Source.original_encoding, Source.text).where(Source.id == source_id)
    ).one()
    return unpack_original(row.original, row.original_encoding, row.text)


def _unique_name(session: Session, name: str) -> str:
    name = clean_name("source", name)

    def taken(candidate: str) -> bool:
        return session.scalar(select(Source.id).where(Source.name_key == name_key(candidate))) is not None

    if not taken(name):
        return name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while taken(f"{stem} ({n}){suffix}"):
        n += 1
    return f"{stem} ({n}){suffix}"


def store_document(session: Session, doc: ImportedDocument, coder_id: int | None, case_id: int | None = None,
                   guid: str | None = None) -> int | None:
    """Insert one document; None when a source with the same text is already there."""
    sha = text_sha256(doc.text)
    if session.scalar(select(Source.id).where(Source.sha256 == sha).limit(1)) is not None:
        return None
    # max(id) reads the rowid b-tree only; a scan of `position` would page through every text.
    position = session.scalar(select(func.max(Source.id)))
    now = now_iso()
    text_bytes = doc.text.encode("utf-8")
    same_as_text = doc.original == text_bytes  # a UTF-8, LF-ended text file: keep it once
    values = dict(
        name=_unique_name(session, doc.name),
        kind=doc.kind,
        text=doc.text,
        length=len(doc.text),
        sha256=sha,
        original=None if same_as_text or not doc.original else pack_original(doc.original),
        original_encoding="text" if same_as_text else "zlib",
        original_name=doc.name,
        original_sha256=hashlib.sha256(doc.original).hexdigest() if doc.original else "",
        text_encoding=doc.encoding,
        position=(position or 0) + 1,
        imported_at=now,
        updated_at=now,
        imported_by_id=coder_id,
    )
    if guid:
        values["guid"] = guid
    sid = session.execute(insert(Source).returning(Source.id), [values]).scalar_one()
    if doc.turns:
        session.execute(
            insert(SpeakerTurn),
            [
                dict(source_id=sid, speaker=t.speaker, start=t.start, end=t.end, label_end=t.label_end,
                     timestamp=t.timestamp, timestamp_ms=t.timestamp_ms)
                for t in doc.turns
            ],
        )
    if doc.pages:  # a paginated source (PDF): excerpts are cited by page
        session.execute(insert(SourcePage), [dict(source_id=sid, page=p.page, label=p.label, start=p.start, end=p.end)
                                             for p in doc.pages])
    if case_id is not None:
        session.add(CaseSource(case_id=case_id, source_id=sid))
    return sid


def import_files(
    project: Project,
    paths: list[str | Path],
    coder: str | None = None,
    case: str | None = None,
    report: Report | None = None,
    should_stop: ShouldStop | None = None,
    encoding: str | None = None,
) -> list[ImportOutcome]:
    """Import files, each whole or not at all, in its own transaction.

    Reading and parsing happen outside the transaction, so a slow PDF holds no
    lock. A file whose text is already a source is skipped with a warning.
    A stop request ends the run between files; what was imported stays.
    Every file is tried, whatever happened to the one before, and every refusal
    names its file and the reason (issue 12, item 6; 9.10). `encoding` forces the
    encoding of text-like files instead of the guess.
    """
    outcomes: list[ImportOutcome] = []
    total = len(paths)
    for i, path in enumerate(paths):
        if should_stop and should_stop():
            raise Cancelled(f"import stopped after {i} of {total} files")
        if report:
            report(i, total, shown(Path(path).name))
        outcomes.append(_import_one(project, path, coder, case, encoding))
    if report:
        report(total, total, "")
    return outcomes


def import_sources(
    project: Project,
    paths: list[str | Path],
    coder: str | None = None,
    case: str | None = None,
    report: Report | None = None,
    should_stop: ShouldStop | None = None,
    encoding: str | None = None,
) -> Changes:
    """`import_files` as the window's long job: the Changes of the whole run, `result` the outcomes.

    Each file is still its own transaction; the Changes names the sources made, the coder and
    case made for them (when the names were new) and the case whose links grew, so the views
    update from it instead of reloading the project (issue 13).
    """
    from workbench.store.models import Coder

    def ids(table) -> set[int]:
        with project.reading() as s:
            return set(s.scalars(select(table.id)))

    coders_before, cases_before = ids(Coder), ids(Case)
    outcomes = import_files(project, paths, coder, case, report, should_stop, encoding)
    made = [o.source_id for o in outcomes if o.status == "imported"]
    changes = Changes().add("created", Kind.SOURCE, *made).with_result(outcomes)
    if made:
        changes.add("created", Kind.CODER, *sorted(ids(Coder) - coders_before))
        new_cases = sorted(ids(Case) - cases_before)
        changes.add("created", Kind.CASE, *new_cases)
        if case:
            from workbench.services.lookup import case_by_name

            with project.reading() as s:
                case_id = case_by_name(s, case)
            if case_id not in new_cases:
                changes.add("updated", Kind.LINK, case_id)
    return changes


def _import_one(project: Project, path: str | Path, coder: str | None, case: str | None,
                encoding: str | None) -> ImportOutcome:
    from workbench.services.cases import ensure_case

    try:
        doc = read_document(path, encoding)
    except ImportRefused as exc:
        return ImportOutcome(str(path), "failed", shown(exc))
    except Exception as exc:  # whatever one file does, the files after it are still tried
        return ImportOutcome(str(path), "failed", shown(f"{path}: could not be read ({_reason(exc)})"))
    try:
        with project.transaction() as s:
            coder_id = ensure_coder(s, coder) if coder else None
            case_id = ensure_case(s, case) if case else None
            sid = store_document(s, doc, coder_id, case_id)
    except WorkbenchError as exc:
        return ImportOutcome(str(path), "failed", shown(f"{path}: {exc}"))
    except SQLAlchemyError as exc:  # a full disk or a read-only project: nothing of this file was kept
        problem = database_problem(exc) or _reason(exc)
        return ImportOutcome(str(path), "failed", shown(f"{path}: not imported into {project.path}: {problem}"))
    if sid is None:
        return ImportOutcome(str(path), "skipped", shown(f"{path}: the same text is already in the project; skipped"))
    return ImportOutcome(str(path), "imported", shown("; ".join(doc.warnings)), sid)


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {text[0][:200]}" if text else type(orig).__name__


TEXT_KINDS = ("txt", "md", "html")


def redecode_source(project: Project, source_id: int, encoding: str) -> Changes:
    """Read a text source's original bytes again in another encoding (the import guessed wrong).

    Codings count characters of the stored text, so the text may change only before the
    source is coded: a coded source is refused (issue 12, item 11). The speaker turns are
    found again; the search index sees the new text by its checksum.
    """
    with project.transaction() as s:
        src = s.get(Source, source_id)
        if src is None:
            raise NotFoundError("source", f"#{source_id}")
        if src.kind not in TEXT_KINDS:
            raise ValidationError(f"{src.name}: only text, Markdown and HTML sources have an encoding to choose")
        coded = s.scalar(select(func.count()).select_from(Coding).where(Coding.source_id == source_id))
        if coded:
            raise ValidationError(f"{src.name} already has {coded} coding{'s' if coded > 1 else ''}; its text can "
                                  "no longer change (choose the encoding before coding the source)")
        data, doc = _read_again(src, encoding)
        sha = text_sha256(doc.text)
        other = s.scalar(select(Source.name).where(Source.sha256 == sha, Source.id != source_id).limit(1))
        if other is not None:
            raise ValidationError(f"{src.name}: read as {encoding}, its text is that of the source {other!r}")
        if src.original_encoding == "text":  # the original was the old text itself: keep its bytes
            src.original, src.original_encoding = pack_original(data), "zlib"
        src.text, src.length, src.sha256 = doc.text, len(doc.text), sha
        src.text_encoding = doc.encoding
        src.updated_at = now_iso()
        s.execute(delete(SpeakerTurn).where(SpeakerTurn.source_id == source_id))
        if doc.turns:
            s.execute(insert(SpeakerTurn), [
                dict(source_id=source_id, speaker=t.speaker, start=t.start, end=t.end, label_end=t.label_end,
                     timestamp=t.timestamp, timestamp_ms=t.timestamp_ms) for t in doc.turns])
    return Changes().add("updated", Kind.SOURCE, source_id)


def _read_again(src: Source, encoding: str) -> tuple[bytes, ImportedDocument]:
    data = unpack_original(src.original, src.original_encoding, src.text)
    if not data:
        raise ValidationError(f"{src.name}: the original file is not kept in the project")
    suffix = Path(src.original_name or "").suffix or f".{src.kind}"
    try:
        return data, document_from_bytes(Path(src.name).with_suffix(suffix), data, encoding)
    except ImportRefused as exc:
        raise ValidationError(str(exc)) from None


def encoding_choice(project: Project, source_id: int, encoding: str | None = None) -> dict:
    """What the window shows before the user picks an encoding: the source's encoding now, its
    codings, and (for `encoding`) the text that encoding gives or why it does not fit."""
    with project.reading() as s:
        src = s.get(Source, source_id)
        if src is None:
            raise NotFoundError("source", f"#{source_id}")
        coded = s.scalar(select(func.count()).select_from(Coding).where(Coding.source_id == source_id))
        out = {"name": src.name, "kind": src.kind, "encoding": src.text_encoding, "codings": coded,
               "choosable": src.kind in TEXT_KINDS, "text": None, "problem": None}
        if encoding and out["choosable"]:
            try:
                out["text"] = _read_again(src, encoding)[1].text
            except ValidationError as exc:
                out["problem"] = str(exc)
        return out


def rename_source(project: Project, source_id: int, name: str) -> Changes:
    name = clean_name("source", name)
    with project.transaction() as s:
        src = s.get(Source, source_id)
        if src is None:
            raise NotFoundError("source", f"#{source_id}")
        other = s.scalar(select(Source.name).where(Source.name_key == name_key(name), Source.id != source_id))
        if other is not None:
            raise ValidationError(f"a source named {other!r} already exists")
        src.name = name
        src.updated_at = now_iso()
    return Changes().add("updated", Kind.SOURCE, source_id)


def delete_source(project: Project, source_id: int, deleted_by: str = "", *, force: bool = False) -> Changes:
    """Delete a source with its codings and memos, leaving tombstones for each. A coded source
    goes only with `force` confirming that its codings go too."""
    deleted_by = deleted_by or project.signed_in or ""  # a team project: the role signed in
    with project.transaction() as s:
        # Locked before the codings are counted: one in flight commits first and is counted, or
        # waits and is refused, the source gone (docs/team.md).
        src = s.get(Source, source_id, with_for_update=True, populate_existing=True)
        if src is None:
            raise NotFoundError("source", f"#{source_id}")
        n = s.scalar(select(func.count()).select_from(Coding).where(Coding.source_id == source_id))
        if n and not force:
            raise ValidationError(f"source {src.name!r} holds {n} coding{'s' if n != 1 else ''}")
        return _delete_source_in(s, source_id, deleted_by)


def _delete_source_in(s: Session, source_id: int, deleted_by: str) -> Changes:
    """Delete a source with what hangs on it, leaving a tombstone for each coding, memo and
    case passage, so a merge sees the deletions and not an absence."""
    src = s.get(Source, source_id)
    if src is None:
        raise NotFoundError("source", f"#{source_id}")
    codings = s.execute(select(Coding.id, Coding.guid, Coding.code_id).where(Coding.source_id == source_id)).all()
    memos = s.execute(
        select(Memo.id, Memo.guid).where((Memo.source_id == source_id) | Memo.coding_id.in_([c.id for c in codings]))
    ).all()
    passages = s.execute(select(CasePassage.id, CasePassage.guid).where(CasePassage.source_id == source_id)).all()
    cases = s.scalars(select(CaseSource.case_id).where(CaseSource.source_id == source_id)).all()
    bury(s, "coding", [(c.guid, src.name) for c in codings], deleted_by)
    bury(s, "memo", [(m.guid, src.name) for m in memos], deleted_by)
    bury(s, "case_passage", [(p.guid, src.name) for p in passages], deleted_by)
    bury(s, "source", [(src.guid, src.name)], deleted_by)
    s.execute(delete(Source).where(Source.id == source_id))
    changes = Changes().add("deleted", Kind.SOURCE, source_id).add("deleted", Kind.CODING, *[c.id for c in codings])
    changes.add("deleted", Kind.MEMO, *[m.id for m in memos]).add("deleted", Kind.PASSAGE, *[p.id for p in passages])
    return changes.add("updated", Kind.LINK, *cases).add("counts", Kind.CODE, *{c.code_id for c in codings})


@dataclass(frozen=True)
class SourceListing:
    """One source as `workbench sources list` shows it: length in code points, the names of
    the cases it belongs to (whole or by a passage)."""

    name: str
    kind: str
    length: int
    codings: int
    cases: list[str]


def source_listing(project: Project) -> list[SourceListing]:
    """Every source in the order of the source list."""
    with project.reading() as s:
        counts = dict(s.execute(select(Coding.source_id, func.count()).group_by(Coding.source_id)).all())
        cases: dict[int, set[str]] = {}
        whole = select(CaseSource.source_id, Case.name).join(Case, Case.id == CaseSource.case_id)
        part = select(CasePassage.source_id, Case.name).join(Case, Case.id == CasePassage.case_id)
        for sid, name in s.execute(whole.union(part)):
            cases.setdefault(sid, set()).add(name)
        rows = s.execute(select(Source.id, Source.name, Source.kind, Source.length).order_by(Source.position, Source.id))
        return [SourceListing(r.name, r.kind, r.length, counts.get(r.id, 0), sorted(cases.get(r.id, ()), key=str.casefold))
                for r in rows]


# Everything that goes with a source, parents first: what undoing its deletion writes back.
_KEPT = ("source", "speaker_turn", "source_page", "case_source", "case_passage", "coding", "memo")
_KEPT_KINDS = {"source": Kind.SOURCE, "case_passage": Kind.PASSAGE, "coding": Kind.CODING, "memo": Kind.MEMO}


def delete_source_kept(project: Project, source_id: int, deleted_by: str = "") -> Changes:
    """Delete a source as delete_source does; `result` holds every row that went with it (its
    text, turns, pages, case links, codings, memos) so restore_source can put it back exactly."""
    from workbench.store.models import Base

    t = Base.metadata.tables
    with project.transaction() as s:
        s.get(Source, source_id, with_for_update=True)  # as delete_source: codings in flight first, or refused
        coding_ids = select(Coding.id).where(Coding.source_id == source_id)
        where = {"source": t["source"].c.id == source_id,
                 "memo": (Memo.source_id == source_id) | Memo.coding_id.in_(coding_ids)}
        rows = {name: [dict(r._mapping) for r in s.execute(
            select(t[name]).where(where.get(name, t[name].c.get("source_id") == source_id)))] for name in _KEPT}
        return _delete_source_in(s, source_id, deleted_by).with_result(rows)


def restore_source(project: Project, rows: dict[str, list[dict]]) -> Changes:
    """Undo delete_source_kept: the same rows, ids and GUIDs, alive again (their tombstones lifted).
    Links to cases deleted since are left out."""
    from workbench.services.tombstones import unbury
    from workbench.store.models import Base, Case, SourceFolder

    t = Base.metadata.tables
    changes = Changes()
    with project.transaction() as s:
        cases = set(s.scalars(select(Case.id)))
        folders = set(s.scalars(select(SourceFolder.id)))
        for r in rows.get("source", []):
            if r.get("folder_id") not in folders:
                r["folder_id"] = None
        for name in _KEPT:
            keep = [r for r in rows.get(name, []) if "case_id" not in r or r["case_id"] is None
                    or r["case_id"] in cases]
            if keep:
                s.execute(insert(t[name]), keep)
            if name in _KEPT_KINDS:
                changes.add("created", _KEPT_KINDS[name], *[r["id"] for r in keep])
            elif name == "case_source":
                changes.add("updated", Kind.LINK, *[r["case_id"] for r in keep])
        unbury(s, [r["guid"] for name in ("source", "coding", "memo", "case_passage") for r in rows.get(name, [])])
    return changes.add("counts", Kind.CODE, *{r["code_id"] for r in rows.get("coding", [])})


def source_text(project: Project, name_or_id: str | int) -> str:
    from workbench.services.lookup import source_by_name

    with project.reading() as s:
        sid = name_or_id if isinstance(name_or_id, int) else source_by_name(s, name_or_id)
        return s.scalar(select(Source.text).where(Source.id == sid))


# -- folders of sources ("Interviews", "Policy texts"), a filter in queries and the matrix -----------
@dataclass(frozen=True)
class FolderRow:
    id: int
    parent_id: int | None
    name: str
    path: str  # "Interviews/2019"
    source_ids: tuple[int, ...]


def folder_rows(project: Project) -> list[FolderRow]:
    """Every folder in tree order (by position, then name), with the sources directly in it."""
    from workbench.store.models import SourceFolder

    with project.reading() as s:
        rows = s.execute(select(SourceFolder.id, SourceFolder.parent_id, SourceFolder.name)
                         .order_by(SourceFolder.position, SourceFolder.name_key)).all()
        members: dict[int, list[int]] = {}
        for sid, fid in s.execute(select(Source.id, Source.folder_id).where(Source.folder_id.is_not(None))
                                  .order_by(Source.position, Source.name)):
            members.setdefault(fid, []).append(sid)
    by_id = {r.id: r for r in rows}

    def path(fid: int) -> str:
        parts, seen = [], set()
        while fid is not None and fid in by_id and fid not in seen:
            seen.add(fid)
            parts.insert(0, by_id[fid].name)
            fid = by_id[fid].parent_id
        return "/".join(parts)

    out: list[FolderRow] = []

    def walk(parent: int | None) -> None:
        for r in rows:
            if r.parent_id == parent:
                out.append(FolderRow(r.id, r.parent_id, r.name, path(r.id), tuple(members.get(r.id, ()))))
                walk(r.id)

    walk(None)
    return out


def _folder_named(session: Session, name: str, parent_id: int | None, except_id: int | None = None) -> str | None:
    from workbench.store.models import SourceFolder

    q = select(SourceFolder.name).where(SourceFolder.name_key == name_key(name),
                                        SourceFolder.parent_id.is_(None) if parent_id is None
                                        else SourceFolder.parent_id == parent_id)
    if except_id is not None:
        q = q.where(SourceFolder.id != except_id)
    return session.scalar(q)


def create_folder(project: Project, name: str, parent_id: int | None = None, folder_id: int | None = None,
                  guid: str | None = None) -> Changes:
    """A new folder (folder_id and guid: the one an undo brings back)."""
    from workbench.store.models import SourceFolder

    name = clean_name("folder", name)
    with project.transaction() as s:
        existing = _folder_named(s, name, parent_id)
        if existing is not None:
            raise ValidationError(f"a folder named {existing!r} already exists there")
        pos = s.scalar(select(func.count()).select_from(SourceFolder))
        folder = SourceFolder(name=name, parent_id=parent_id, position=pos)
        if folder_id is not None:
            folder.id = folder_id
        if guid:
            folder.guid = guid
            unbury(s, [guid])  # an undone deletion: the folder is alive again
        s.add(folder)
        s.flush()
        fid = folder.id
    return Changes().add("created", Kind.FOLDER, fid)


def rename_folder(project: Project, folder_id: int, name: str) -> Changes:
    from workbench.store.models import SourceFolder

    name = clean_name("folder", name)
    with project.transaction() as s:
        folder = s.get(SourceFolder, folder_id)
        if folder is None:
            raise NotFoundError("folder", f"#{folder_id}")
        existing = _folder_named(s, name, folder.parent_id, except_id=folder_id)
        if existing is not None:
            raise ValidationError(f"a folder named {existing!r} already exists there")
        folder.name = name
        folder.updated_at = now_iso()
    return Changes().add("updated", Kind.FOLDER, folder_id)


def delete_folder(project: Project, folder_id: int, deleted_by: str = "") -> Changes:
    """Delete an empty-of-subfolders folder; its sources stay in the project, in no folder.
    It leaves a tombstone, so a merge with a copy that still has it deletes it there too."""
    from workbench.store.models import SourceFolder

    with project.transaction() as s:
        folder = s.get(SourceFolder, folder_id)
        if folder is None:
            raise NotFoundError("folder", f"#{folder_id}")
        if s.scalar(select(SourceFolder.id).where(SourceFolder.parent_id == folder_id).limit(1)) is not None:
            raise ValidationError(f"the folder {folder.name!r} holds folders; move or delete them first")
        members = list(s.scalars(select(Source.id).where(Source.folder_id == folder_id)))
        s.execute(update(Source).where(Source.folder_id == folder_id).values(folder_id=None, **bumped(Source)))
        bury(s, "folder", [(folder.guid, folder.name)], deleted_by)
        s.delete(folder)
    return Changes().add("deleted", Kind.FOLDER, folder_id).add("updated", Kind.SOURCE, *members)


def move_to_folder(project: Project, source_ids: list[int], folder_id: int | None) -> Changes:
    """Put sources into a folder (None: into no folder)."""
    from workbench.store.models import SourceFolder

    with project.transaction() as s:
        if folder_id is not None and s.get(SourceFolder, folder_id) is None:
            raise NotFoundError("folder", f"#{folder_id}")
        # A source's folder is a field of it: a move is a change (its time decides a merge).
        moved = list(s.scalars(select(Source.id).where(Source.id.in_(source_ids), Source.folder_id.is_distinct_from(
            folder_id))))
        s.execute(update(Source).where(Source.id.in_(moved)).values(folder_id=folder_id, updated_at=now_iso(),
                                                                    **bumped(Source)))
    return Changes().add("updated", Kind.SOURCE, *moved)


@dataclass(frozen=True)
class SourceDetails:
    """What Source properties shows: where the source came from and what was found in it."""

    id: int
    name: str
    kind: str
    original_name: str
    imported_at: str
    imported_by: str
    encoding: str
    length: int
    turns: int
    speakers: tuple[str, ...]
    codings: int
    case_ids: tuple[int, ...]
    folder_id: int | None


def source_details(project: Project, source_id: int) -> SourceDetails:
    from workbench.store.models import Coder

    with project.reading() as s:
        row = s.execute(select(Source.id, Source.name, Source.kind, Source.original_name, Source.imported_at,
                               Source.text_encoding, Source.length, Source.folder_id, Coder.name.label("coder"))
                        .outerjoin(Coder, Coder.id == Source.imported_by_id).where(Source.id == source_id)).first()
        if row is None:
            raise NotFoundError("source", f"#{source_id}")
        speakers = list(s.scalars(select(SpeakerTurn.speaker).where(SpeakerTurn.source_id == source_id)
                                  .order_by(SpeakerTurn.start)))
        codings = s.scalar(select(func.count()).select_from(Coding).where(Coding.source_id == source_id))
        cases = tuple(s.scalars(select(CaseSource.case_id).where(CaseSource.source_id == source_id)))
    return SourceDetails(row.id, row.name, row.kind, row.original_name, row.imported_at, row.coder or "",
                         row.text_encoding, row.length, len(speakers), tuple(dict.fromkeys(speakers)), codings,
                         cases, row.folder_id)
