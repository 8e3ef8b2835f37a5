"""Screenshots of the window with analysis panels open, for notes and docs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py OUT_DIR [PROJECT.qwb]

Works on a copy of the project (the sample by default) in a temporary folder, with settings of
its own, and writes to OUT_DIR: matrix.png (codes x cases, a cell's excerpts listed), query.png (a
query's results), search.png, agreement.png, cases.png (the cases x attributes table),
source-properties.png, memo-list.png, merge-summary.png (a team member's copy merged back) and
report-page1.png (the first page of a Word report, drawn from the document's paragraphs and
styles by Qt: the look of the page, not Word's exact typesetting).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def isolate_settings(folder: Path) -> None:
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


def wait_until(app, condition, seconds: float = 30.0) -> None:
    import time

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.01)


def open_panel(window, action, name: str):
    """Open a panel the way a person does: through its menu action."""
    action.trigger()
    return window.panel_docks.panel(name)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    source = Path(argv[1]) if len(argv) > 1 else ROOT / "sample_projects" / "johannesburg.qwb"
    tmp = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    try:
        return shoot(source, tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def shoot(source: Path, tmp: Path, out: Path) -> int:
    from PySide6.QtCore import Qt

    from workbench.store.sqlite import backup_copy
    from workbench.ui.app import SCREENSHOT_SIZE, application, install_message_filter, save_screenshot
    from workbench.ui.main_window import MainWindow
    from workbench.ui.panels.common import ID_ROLE

    project = backup_copy(source, tmp / source.name)
    app = application()
    install_message_filter()
    isolate_settings(tmp / "settings")
    window = MainWindow()
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    if not window.open_project(project):
        print(f"screenshots: {window.last_error}", file=sys.stderr)
        return 1
    window.resize(*SCREENSHOT_SIZE)

    matrix = open_panel(window, window.analysis_actions.matrix, "matrixView")
    matrix.cols.setCurrentText("cases")
    matrix.refresh()
    model = matrix.model
    rows, stack = [], [model.index(r, 0) for r in range(model.rowCount())]
    while stack:  # every row, subcodes included
        index = stack.pop()
        rows.append(index)
        stack += [model.index(r, 0, index) for r in range(model.rowCount(index))]
    cells = [model.index(i.row(), c, i.parent()) for i in rows for c in range(1, model.columnCount())]
    cell = max(cells, key=lambda i: int(model.data(i) or 0))  # the fullest cell, its excerpts listed
    matrix.tree.setCurrentIndex(cell)
    matrix.show_cell(cell)
    if matrix.excerpts_model.rowCount():  # as a double-click on the first excerpt does
        matrix.excerpts.selectRow(0)
        window.show_coding(matrix.excerpts_model.data(matrix.excerpts_model.index(0, 0), ID_ROLE))
    save_screenshot(window, out / "matrix.png")

    query = open_panel(window, window.analysis_actions.query, "queryPanel")
    items = query.codes.findItems("autonomy", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    if items:
        items[0].setCheckState(0, Qt.CheckState.Checked)
    query.with_children.setChecked(True)
    query.run_query()
    if query.model.rowCount():
        query.table.selectRow(0)
        window.show_coding(query.model.data(query.model.index(0, 0), ID_ROLE))
    save_screenshot(window, out / "query.png")

    search = open_panel(window, window.analysis_actions.search, "searchPanel")
    search.run_search("province")
    save_screenshot(window, out / "search.png")

    agreement = open_panel(window, window.team_actions.agreement, "agreementPanel")
    if agreement.coder_a.count() >= 2:
        agreement.compute()
        wait_until(app, lambda: agreement.table_data is not None)
        top = agreement.tree.topLevelItem(0)
        if top is not None and top.childCount():
            agreement.tree.expandItem(top)
            agreement.tree.setCurrentItem(top)  # the comparison follows the code: where its coders differ most
    save_screenshot(window, out / "agreement.png")
    names = ["matrix.png", "query.png", "search.png", "agreement.png"]
    names += shoot_more(app, window, tmp, out)
    window.close()
    print("\n".join(str(out / n) for n in names))
    return 0


def grab_widget(widget, path: Path) -> None:
    from workbench.io.atomic import atomic_path

    pixmap = widget.grab()
    with atomic_path(path) as tmp:
        pixmap.save(str(tmp), "PNG")


def close_bottom_panels(window) -> None:
    for name in ("queryPanel", "matrixView", "searchPanel", "agreementPanel", "memoListPanel", "casesPanel"):
        slot = window.panel_docks.slots.get(name)
        if slot is not None:
            slot.dock.hide()


def link_sample_passages(window) -> int | None:
    """On the copy: the lines of a source naming a case become passages of it, as Add to case… does,
    so the cases picture shows a case's passages listed under the table."""
    from workbench.query.document import coders

    ctx = window.ctx
    asked = ctx.coder_id is None and not ctx.coder_name
    if asked:  # one of the sample's coders, never a prompt; put back below so the pictures stay as they were
        ctx.coder_name = coders(ctx.project)[0][1]
    try:
        return _link_lines_naming_a_case(window)
    finally:
        if asked:
            ctx.coder_name, ctx.coder_id = "", None
            ctx.coder_changed.emit()


def _link_lines_naming_a_case(window) -> int | None:
    from workbench.query.document import case_names, source_document

    for cid, name in case_names(window.ctx.project):
        whole = window.case_actions.sources_of(cid)
        for sid in [s for s in window.source_model.source_ids() if s not in whole]:
            text = source_document(window.ctx.project, sid).text
            spans, at = [], 0
            for line in text.split("\n"):
                if name in line and len(line) > 40:
                    spans.append((at, at + len(line)))
                at += len(line) + 1
            if len(spans) >= 2:
                for a, b in spans[:3]:
                    window.case_actions.link_passage(cid, name, (sid, a, b))
                return cid
    return None


def shoot_more(app, window, tmp: Path, out: Path) -> list[str]:
    """The cases table, source properties, the memo list, a merge summary and a report page."""
    from workbench.ui.app import save_screenshot

    close_bottom_panels(window)
    cases = window.case_actions.show_panel()
    cases.table.sortByColumn(3, __import__("PySide6.QtCore").QtCore.Qt.SortOrder.AscendingOrder)
    shown_case = link_sample_passages(window) or cases.model.cases[0].id
    cases.select_case(shown_case, 3)
    save_screenshot(window, out / "cases.png")

    sid = max(window.source_model.source_ids(), key=lambda i: window.source_model.source(i).codings)
    dialog = window.source_actions.properties_dialog(sid)
    for _ in range(3):
        app.processEvents()
    grab_widget(dialog, out / "source-properties.png")
    dialog.reject()

    close_bottom_panels(window)
    memos = window.memo_actions.show_list()
    shown = memos.shown_rows()
    if shown:  # the third memo, opened where it belongs, as a double-click does
        memos.table.selectRow(min(2, len(shown) - 1))
        window.memo_actions.jump_to(shown[min(2, len(shown) - 1)])
    save_screenshot(window, out / "memo-list.png")

    names = ["cases.png", "source-properties.png", "memo-list.png"]
    names += report_page(window, tmp, out)
    names += merge_summary(app, window, tmp, out)
    return names


def merge_summary(app, window, tmp: Path, out: Path) -> list[str]:
    """Hand a copy to Pieter, let him recode a passage and rename a code, merge it back."""
    from workbench.services import codebook, coding
    from workbench.services.lookup import CodeTree, coder_by_name
    from workbench.store.models import Coding
    from workbench.store.project import open_project
    from sqlalchemy import select

    copy = tmp / "copy-for-pieter.qwb"
    window.team_actions.hand_out_to("Pieter", str(copy))
    wait_until(app, lambda: window.team_actions.job is None)
    with window.ctx.project.transaction() as s:  # here, Thandi renames a code
        tree = CodeTree(s)
        first = tree.in_order()[0]
    codebook.rename_code(window.ctx.project, first, tree.name[first] + " (own agenda)")
    with open_project(copy) as p:
        with p.reading() as s:
            pieter = coder_by_name(s, "Pieter")
            row = s.execute(select(Coding.source_id, Coding.code_id, Coding.start, Coding.end)
                            .where(Coding.coder_id != pieter).limit(1)).first()
        coding.apply_code(p, row.source_id, row.code_id, pieter, row.start, row.end + 17)  # a little longer
        codebook.rename_code(p, first, tree.name[first] + " (city's own)")
    dialog = window.team_actions.merge_dialog([str(copy)])
    dialog.preview()
    wait_until(app, lambda: dialog.apply_button.isEnabled())
    grab_widget(dialog, out / "merge-preview.png")
    dialog.apply()
    wait_until(app, lambda: dialog.report_view.isVisible())
    for _ in range(3):
        app.processEvents()
    grab_widget(dialog, out / "merge-summary.png")
    dialog.close()
    wait_until(app, lambda: window.ctx is not None)
    return ["merge-preview.png", "merge-summary.png"]


def report_page(window, tmp: Path, out: Path) -> list[str]:
    """A report of one code with its subcodes, written by the window's report job, page 1 drawn."""
    from workbench.ui.dialogs.report_dialog import report_job

    path = tmp / "report.docx"
    code = next(r for r in window.code_model.rows() if r.parent_id is None and window.code_model.total(r.id))
    report_job(str(window.ctx.path), str(path), {"codes": [code.path], "with_children": True}, None, "code",
               None, None, "A4")
    draw_first_page(path, out / "report-page1.png")
    return ["report-page1.png"]


# Word's default look for the styles the report uses (python-docx's default template).
STYLE_CSS = {
    "Title": "font-family: 'DejaVu Sans'; font-size: 26pt; color: #17365d; border-bottom: 1px solid #4f81bd;",
    "Heading 1": "font-family: 'DejaVu Sans'; font-size: 14pt; font-weight: bold; color: #365f91;",
    "Heading 2": "font-family: 'DejaVu Sans'; font-size: 13pt; font-weight: bold; color: #4f81bd;",
    "Heading 3": "font-family: 'DejaVu Sans'; font-size: 11pt; font-weight: bold; color: #4f81bd;",
    "Quote": "font-family: 'DejaVu Serif'; font-size: 11pt; font-style: italic; color: #000000;",
    "Citation": "font-family: 'DejaVu Serif'; font-size: 8.5pt; font-style: italic; color: #595959;",
    "Memo": "font-family: 'DejaVu Serif'; font-size: 10pt; color: #333333;",
    "Normal": "font-family: 'DejaVu Serif'; font-size: 11pt;",
}


def draw_first_page(docx_path: Path, png: Path, dpi: int = 96) -> None:
    """Page 1 of a .docx on its paper size and margins, the paragraphs in their styles."""
    import html

    import docx
    from PySide6.QtCore import QRectF, QSizeF
    from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument

    d = docx.Document(str(docx_path))
    sec = d.sections[0]
    px = lambda emu: emu / 914400 * dpi  # noqa: E731
    page_w, page_h = px(sec.page_width), px(sec.page_height)
    left, top = px(sec.left_margin), px(sec.top_margin)
    width, height = page_w - left - px(sec.right_margin), page_h - top - px(sec.bottom_margin)
    parts = []
    for para in d.paragraphs:
        style = para.style.name if para.style.name in STYLE_CSS else "Normal"
        body = "".join(f"<b>{html.escape(r.text)}</b>" if r.bold else html.escape(r.text) for r in para.runs)
        parts.append(f'<p style="{STYLE_CSS[style]} margin-top: 6px; margin-bottom: 6px;">{body}</p>')
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setPageSize(QSizeF(width, height))
    doc.setHtml("".join(parts))
    image = QImage(int(page_w), int(page_h), QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.translate(left, top)
    doc.drawContents(painter, QRectF(0, 0, width, height))
    painter.end()
    image.save(str(png), "PNG")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
