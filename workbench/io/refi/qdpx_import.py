"""Importing a QDPX project from another tool into a new project file, whole or not at all.

The archive and its XML are checked before anything is written (safezip,
xmlsafe). The project is built in a temporary file beside the target and
linked into place when finished (qdpx_output), so a failure or a cancel
leaves nothing, and a kill leaves a hidden temporary the next import sweeps.
"""
from __future__ import annotations

import codecs
import os
import posixpath
from collections.abc import Callable
from pathlib import Path

from workbench.core.errors import Cancelled, ImportRefused, ProjectError, WorkbenchError
from workbench.io.refi import qdpx_output as output
from workbench.io.refi.offsets import PlainText, choose_model
from workbench.io.refi.qde_read import QdeProject, guid_key, read_project
from workbench.io.refi.qdpx_build import Builder, LoadedText
from workbench.io.refi.report import REPORT_KIND, ImportReport
from workbench.io.refi.safezip import Limits, QdpxArchive, open_qdpx
from workbench.io.refi.xmlsafe import parse_xml

Progress = Callable[[int, int, str], None]


def decode_text(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, clean): UTF-8 with or without BOM, UTF-16 with BOM; bad bytes replaced."""
    if data.startswith(codecs.BOM_UTF8):
        data, enc = data[3:], "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", True
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), "utf-16", False
    else:
        enc = "utf-8"
    try:
        return data.decode("utf-8"), enc, True
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), enc, False


def _load_texts(archive: QdpxArchive, doc: QdeProject, rep: ImportReport) -> list[LoadedText]:
    out: list[LoadedText] = []
    seen_paths: dict[str, str] = {}
    for q in doc.texts:
        label = q.name or q.plain_path or q.guid
        path_key = q.plain_path.strip().lower()
        if q.element == "Transcript" and path_key and path_key in seen_paths:
            rep.not_carry("transcript", label, f"the same text file as source {seen_paths[path_key]!r}")
            continue
        if path_key:
            seen_paths.setdefault(path_key, label)
        if q.plain_path:
            data = archive.read_internal(q.plain_path)
            if data is None and q.inline is None:
                rep.skip("source", label, f"its text file {q.plain_path!r} is not in the archive; "
                                          f"{len(q.selections)} selections skipped with it")
                continue
            raw, enc, clean = decode_text(data) if data is not None else (q.inline or "", "utf-8", True)
        elif q.inline is not None:
            raw, enc, clean = q.inline, "utf-8", True
        else:
            rep.skip("source", label, "it has neither a text file nor inline text")
            continue
        if not clean:
            rep.warn(f"source {label!r}: the text is not valid {enc}; bad bytes were replaced, offsets may shift")
        kind, original, original_name = "txt", None, q.name or posixpath.basename(q.plain_path.replace("\\", "/"))
        for ref, ext in ((q.rich_path, ".docx"), (q.original_path, ".pdf")):
            if not ref:
                continue
            if not ref.lower().endswith(ext):
                rep.warn(f"source {label!r}: the original {ref!r} is not a {ext} file; not kept")
                continue
            data = archive.read_internal(ref)
            if data is None:
                rep.warn(f"source {label!r}: the original {ref!r} is not in the archive; the plain text is imported")
                continue
            kind, original = ext[1:], data
            original_name = q.name if q.name.lower().endswith(ext) else f"{q.name or q.guid}{ext}"
        plain = PlainText(raw)
        if not plain.text.strip():
            rep.warn(f"source {label!r}: the text is empty")
        out.append(LoadedText(q, plain, kind, enc, original, original_name))
    return out


def _load_notes(archive: QdpxArchive, doc: QdeProject, rep: ImportReport) -> dict[str, str]:
    texts: dict[str, str] = {}
    for n in doc.notes_list:
        if n.inline is not None:
            texts[guid_key(n.guid)] = n.inline
        elif n.plain_path and (data := archive.read_internal(n.plain_path)) is not None:
            texts[guid_key(n.guid)] = PlainText(decode_text(data)[0]).text
        elif n.description:
            texts[guid_key(n.guid)] = ""
        else:
            rep.skip("note", n.name or n.guid, f"its text {n.plain_path!r} is not in the archive")
    return texts


def read_qdpx(path: Path, limits: Limits = Limits()) -> tuple[QdeProject, list[LoadedText], dict[str, str],
                                                              ImportReport]:
    """Everything needed from the archive, checked; nothing is written."""
    rep = ImportReport(file=str(path))
    with open_qdpx(path, limits) as archive:
        label = f"{path} ({archive.qde_name})"
        root, _ns = parse_xml(archive.read_qde(), label)
        if root.tag != "Project":
            raise ImportRefused(f"{label}: not a REFI-QDA project (the root element is <{root.tag}>, not <Project>)")
        doc = read_project(root)
        texts = _load_texts(archive, doc, rep)
        notes = _load_notes(archive, doc, rep)
    return doc, texts, notes, rep


def import_qdpx(path: str | os.PathLike, out: str | os.PathLike, *, limits: Limits = Limits(),
                report: Progress | None = None, should_stop: Callable[[], bool] | None = None) -> ImportReport:
    """Create the project `out` from the QDPX at `path`; returns the import report (also kept in it)."""
    path, out = Path(path), Path(out)
    if out.exists() or out.is_symlink():
        raise ProjectError(f"{out}: a file already exists there; choose another name")
    if not out.parent.is_dir():
        raise ProjectError(f"{out}: the folder {out.parent} does not exist")
    progress = report or (lambda done, total, label: None)
    progress(0, 4, "reading the archive")
    try:
        doc, texts, notes, rep = read_qdpx(path, limits)
    except WorkbenchError:
        raise
    except Exception as exc:  # a malformed file must end in one clear line, not a traceback
        raise ImportRefused(f"{path}: cannot be read as a QDPX project ({type(exc).__name__}: {exc})") from None
    _check_stop(should_stop)
    progress(1, 4, "checking selection offsets")
    choice = choose_model(doc.origin, [(lt.plain, [(s.start, s.end) for s in lt.q.selections]) for lt in texts])
    rep.origin, rep.project_name = doc.origin, doc.name or path.stem
    rep.offset_model, rep.offset_label = choice.model.name, choice.model.label
    rep.offset_detail, rep.offset_confirmed = choice.describe(), choice.confirmed
    rep.offset_scores = {k: list(v) for k, v in choice.scores.items()}
    if not choice.confirmed:
        rep.warn(f"the file's origin ({doc.origin or 'not given'}) suggested {choice.suggested.label}, but the "
                 f"selections fit {choice.model.label} better; that was used")
    for d in doc.dropped:
        rep.not_carry(d.kind, d.name, d.reason)
    _check_stop(should_stop)
    progress(2, 4, "writing the project")
    for name in output.clear_stale_sidecars(out):
        rep.warn(f"{name} lay where the new project goes, left by an earlier file of that name; it was removed so "
                 "that it could not be replayed onto the new project")
    tmp = output.temp_for(out)
    try:
        _build(tmp, doc, texts, notes, choice, rep)
        output.check_finished(tmp, str(path))
        _check_stop(should_stop)
        progress(3, 4, "finishing")
        output.place(tmp, out)
    except WorkbenchError:
        raise
    except Exception as exc:
        raise ImportRefused(f"{path}: cannot be imported ({type(exc).__name__}: {exc})") from None
    finally:
        from workbench.store.files import remove_with_sidecars

        remove_with_sidecars(tmp, ".lock")
    progress(4, 4, "")
    return rep


def _check_stop(should_stop: Callable[[], bool] | None) -> None:
    if should_stop and should_stop():
        raise Cancelled("the QDPX import was stopped; no project was written")


def _build(tmp: Path, doc: QdeProject, texts: list[LoadedText], notes: dict[str, str], choice,
           rep: ImportReport) -> None:
    from workbench.store.models import Report
    from workbench.store.project import create_project, new_meta

    project = create_project(tmp, name=rep.project_name)
    try:
        with project.transaction() as s:
            rep.imported = Builder(s, doc, texts, notes, choice, rep).run()
            new_meta(s, "qdpx_origin", doc.origin)
            s.add(Report(kind=REPORT_KIND, title=f"REFI-QDA import of {Path(rep.file).name}", body=rep.to_json()))
    finally:
        project.close()
