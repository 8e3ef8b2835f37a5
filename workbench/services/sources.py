"""Importing sources into a project, renaming and deleting them."""
from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workbench.core.changes import Changes
from workbench.core.errors import Cancelled, ImportError_, NotFoundError, ValidationError, WorkbenchError
from workbench.core.timeutil import now_iso
from workbench.io.importers.base import ImportedDocument, document_from_bytes, read_document
from workbench.io.importers.textcheck import shown
from workbench.services.coders import ensure_coder
from workbench.services.storage_errors import database_problem
from workbench.services.tombstones import bury
from workbench.store.models import CaseSource, Coding, Memo, Source, SpeakerTurn
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
    def taken(candidate: str) -> bool:
        return session.scalar(select(Source.id).where(Source.name == candidate)) is not None

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


def _import_one(project: Project, path: str | Path, coder: str | None, case: str | None,
                encoding: str | None) -> ImportOutcome:
    from workbench.services.cases import ensure_case

    try:
        doc = read_document(path, encoding)
    except ImportError_ as exc:
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
    return Changes().add("updated", "source", source_id)


def _read_again(src: Source, encoding: str) -> tuple[bytes, ImportedDocument]:
    data = unpack_original(src.original, src.original_encoding, src.text)
    if not data:
        raise ValidationError(f"{src.name}: the original file is not kept in the project")
    suffix = Path(src.original_name or "").suffix or f".{src.kind}"
    try:
        return data, document_from_bytes(Path(src.name).with_suffix(suffix), data, encoding)
    except ImportError_ as exc:
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
    name = name.strip()
    if not name:
        raise ValidationError("a source needs a name")
    with project.transaction() as s:
        src = s.get(Source, source_id)
        if src is None:
            raise NotFoundError("source", f"#{source_id}")
        if s.scalar(select(Source.id).where(Source.name == name, Source.id != source_id)):
            raise ValidationError(f"a source named {name!r} already exists")
        src.name = name
        src.updated_at = now_iso()
    return Changes().add("updated", "source", source_id)


def delete_source(project: Project, source_id: int, deleted_by: str = "") -> Changes:
    """Delete a source with its codings and memos, leaving tombstones for each."""
    with project.transaction() as s:
        src = s.get(Source, source_id)
        if src is None:
            raise NotFoundError("source", f"#{source_id}")
        codings = s.execute(select(Coding.id, Coding.guid).where(Coding.source_id == source_id)).all()
        memos = s.execute(
            select(Memo.guid).where((Memo.source_id == source_id) | Memo.coding_id.in_([c.id for c in codings]))
        ).scalars().all()
        bury(s, "coding", [(c.guid, src.name) for c in codings], deleted_by)
        bury(s, "memo", [(g, src.name) for g in memos], deleted_by)
        bury(s, "source", [(src.guid, src.name)], deleted_by)
        s.execute(delete(Source).where(Source.id == source_id))
    return Changes().add("deleted", "source", source_id)


def source_text(project: Project, name_or_id: str | int) -> str:
    from workbench.services.lookup import source_by_name

    with project.reading() as s:
        sid = name_or_id if isinstance(name_or_id, int) else source_by_name(s, name_or_id)
        return s.scalar(select(Source.text).where(Source.id == sid))
