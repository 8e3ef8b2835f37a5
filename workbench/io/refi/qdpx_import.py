"""Importing a QDPX project from another tool into a new project file, whole or not at all.

The archive is checked before anything is written (safezip). Its XML is
read as a stream while the project is built (qdpx_load, qdpx_build), with
the safety of xmlsafe: no DOCTYPE, no entities. The project is built in a
temporary file beside the target, in one transaction, and linked into place
when finished (qdpx_output), so a refusal anywhere in the file, a failure or
a cancel leaves nothing, and a kill leaves a hidden temporary the next
import sweeps.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from workbench.core.errors import Cancelled, ImportRefused, ProjectError, WorkbenchError
from workbench.io.refi import qdpx_output as output
from workbench.io.refi.qdpx_build import Builder, Restart
from workbench.io.refi.qdpx_load import Feed
from workbench.io.refi.report import REPORT_KIND, ImportReport
from workbench.io.refi.safezip import Limits, open_qdpx

Progress = Callable[[int, int, str], None]


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
        with open_qdpx(path, limits) as archive:
            label = f"{path} ({archive.qde_name})"
            feed = Feed(archive, label)
            doc = feed.start()  # the Project element: refused here if the file is not one
            _check_stop(should_stop)
            progress(1, 4, "reading and writing the sources")
            sidecars = output.clear_stale_sidecars(out)
            tmp = output.temp_for(out)
            try:
                rep = _build(tmp, path, archive, label, feed, doc, sidecars, should_stop)
                output.check_finished(tmp, str(path))
                _check_stop(should_stop)
                progress(3, 4, "finishing")
                output.place(tmp, out)
            finally:
                from workbench.store.files import remove_with_sidecars

                remove_with_sidecars(tmp, ".lock")
    except WorkbenchError:
        raise
    except Exception as exc:  # a malformed file must end in one clear line, not a traceback
        raise ImportRefused(f"{path}: cannot be imported ({type(exc).__name__}: {exc})") from None
    progress(4, 4, "")
    return rep


def _check_stop(should_stop: Callable[[], bool] | None) -> None:
    if should_stop and should_stop():
        raise Cancelled("the QDPX import was stopped; no project was written")


def _build(tmp: Path, path: Path, archive, label: str, feed: Feed, doc, sidecars: list[str],
           should_stop) -> ImportReport:
    """Build the project at `tmp` in one transaction, a second time if the first pass must Restart."""
    from workbench.store.models import Report
    from workbench.store.project import create_project, new_meta

    project = create_project(tmp, name=doc.name or path.stem)
    try:
        model = header = None
        while True:
            rep, read_rep = ImportReport(file=str(path)), ImportReport()
            try:
                with project.transaction() as s:
                    builder = Builder(s, feed, doc, rep, read_rep, model=model, header=header,
                                      should_stop=should_stop)
                    imported = builder.run()
                    final = _report(path, builder, read_rep, sidecars, rep, imported)
                    new_meta(s, "qdpx_origin", builder.doc.origin)
                    s.add(Report(kind=REPORT_KIND, title=f"REFI-QDA import of {path.name}", body=final.to_json()))
                return final
            except Restart as again:  # rolled back: the file is read again from its start
                model, header = again.model, again.header
                feed = Feed(archive, label)
                doc = feed.start()
    finally:
        project.close()


def _report(path: Path, builder: Builder, read_rep: ImportReport, sidecars: list[str], built: ImportReport,
            imported: dict[str, int]) -> ImportReport:
    """The report in the order the import has always given it: what reading the archive found, the
    counting's check, what the file holds that the workbench cannot carry, then what the build skipped."""
    doc, choice = builder.doc, builder.choice
    rep = ImportReport(file=str(path), origin=doc.origin, project_name=doc.name or path.stem)
    rep.extend(read_rep)
    if not choice.confirmed:
        rep.warn(f"the file's origin ({doc.origin or 'not given'}) suggested {choice.suggested.label}, but the "
                 f"selections fit {choice.model.label} better; that was used")
    for d in doc.dropped:
        rep.not_carry(d.kind, d.name, d.reason)
    for name in sidecars:
        rep.warn(f"{name} lay where the new project goes, left by an earlier file of that name; it was removed so "
                 "that it could not be replayed onto the new project")
    rep.extend(built)
    for key in ("offset_model", "offset_label", "offset_detail", "offset_confirmed", "offset_scores",
                "selection_models", "selection_texts"):
        setattr(rep, key, getattr(built, key))
    rep.imported = imported
    return rep
