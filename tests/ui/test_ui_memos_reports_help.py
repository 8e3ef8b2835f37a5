"""The memo list, who coded what, the Word report dialog, agreement that explains itself, and Help
(issue 10, items 5-8 and 11), through the window's widgets; files read back independently."""
from __future__ import annotations

import sqlite3
import zipfile

import docx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from ui_helpers import code_id, source_id

from workbench.ui.jobs import JobRunner


def rows(path, sql, *args):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def write_memo(window, qtbot, show, text):
    show()
    window.memo_pane.editor.setFocus()
    qtbot.keyClicks(window.memo_pane.editor, text)
    window.memo_pane.flush()


def test_all_memos_in_one_list_filtered_opening_in_place_and_exported(window, project_path, qtbot, tmp_path,
                                                                       monkeypatch):
    jhb_case = rows(project_path, "SELECT id FROM case_ WHERE name = 'Johannesburg'")[0][0]
    window.open_source(source_id(window, "interview_jhb.txt"))
    coding = next(iter(window.document_view.layer.spans))
    write_memo(window, qtbot, lambda: window.memos.show_project(focus=True), "The study in a line")
    write_memo(window, qtbot, lambda: window.show_source_memo(source_id(window, "policy.txt"), True), "Framework")
    write_memo(window, qtbot, lambda: window.show_case_memo(jhb_case, True), "Metro")
    write_memo(window, qtbot, lambda: window.show_code_memo(code_id(window, "autonomy"), True), "Own account")
    write_memo(window, qtbot, lambda: window.edit_coding_memo(coding), "Strong claim")
    assert rows(project_path, "SELECT count(*) FROM memo") == [(5,)]
    window.memo_actions.open_list.trigger()
    panel = window.panel_docks.panel("memoListPanel")
    table = panel.findChild(type(panel.table), "memoList")
    assert table is panel.table and panel.proxy.rowCount() == 5
    assert [panel.proxy.index(r, 0).data() for r in range(5)] == ["Project", "Source", "Case", "Code", "Coding"]
    panel.kind.setCurrentIndex(panel.kind.findData("coding"))
    assert panel.proxy.rowCount() == 1 and "interview_jhb.txt" in panel.proxy.index(0, 1).data()
    panel.kind.setCurrentIndex(0)
    panel.words.setText("metro")
    assert panel.proxy.rowCount() == 1 and panel.proxy.index(0, 0).data() == "Case"
    table.doubleClicked.emit(panel.proxy.index(0, 1))  # as a double-click does
    assert window.memo_pane.target == ("case", jhb_case)
    assert window.case_actions.panel().current_case() == jhb_case  # the Cases panel shows the case
    panel.words.setText("strong")
    window.open_source(source_id(window, "policy.txt"))
    table.doubleClicked.emit(panel.proxy.index(0, 1))
    assert window.document_view.source_id == source_id(window, "interview_jhb.txt")
    assert window.selected_coding() == coding and window.memo_pane.target[0] == "coding"
    panel.words.clear()
    out = tmp_path / "memos.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "Word (*.docx)"))
    panel.export_button.click()
    assert str(out) in window.statusBar().currentMessage()
    paras = [(p.style.name, p.text) for p in docx.Document(str(out)).paragraphs]
    assert ("Title", "Small study") in paras
    for heading in ("Project memo", "Memos on sources", "Memos on cases", "Memos on codes", "Memos on coded passages"):
        assert ("Heading 1", heading) in paras
    assert ("Heading 2", "policy.txt") in paras and ("Normal", "Framework") in paras
    assert ("Normal", "Strong claim") in paras


def test_parent_codes_show_their_own_count_and_the_total_with_subcodes(window, project_path):
    model = window.code_model
    own = dict(rows(project_path, "SELECT code_id, count(*) FROM coding GROUP BY code_id"))
    parent = dict(rows(project_path, "SELECT id, parent_id FROM code"))
    for cid in model.code_ids():
        kids = [c for c, p in parent.items() if p == cid]
        idx1, idx2 = model.index_of(cid, 1), model.index_of(cid, 2)
        assert idx1.data() == own.get(cid, 0)
        if kids:  # autonomy: 2 of its own, 1 of "own funding"
            assert idx2.data() == own.get(cid, 0) + sum(own.get(k, 0) for k in kids)
        else:
            assert idx2.data() is None
    autonomy = model.index_of(code_id(window, "autonomy"), 2)
    assert autonomy.data() == 3 and "3 codings of “autonomy” and its subcodes" == autonomy.data(Qt.ItemDataRole.ToolTipRole)


def test_the_margin_and_the_codings_list_can_show_the_coder(window, qtbot):
    window.open_source(source_id(window, "interview_jhb.txt"))
    margin = window.document_view.margin
    marks = margin.coder_marks
    assert {m[0] for m in marks.values()} == {"T", "P"}  # Thandi, Pieter
    assert len({m[1].name() for m in marks.values()}) == 2
    window.show_coders_action.trigger()
    assert margin.show_coders
    margin.repaint()  # paints the chips (no error, no warning)
    assert window.coding_model.index(0, 1).data(Qt.ItemDataRole.DecorationRole) is not None
    # "Show codings of" keeps working beside it.
    pieter = next(cid for cid, (m, _c) in marks.items() if m == "P")
    window.area.coder_filter.setCurrentIndex(window.area.coder_filter.findData(pieter))
    assert {s.row.coder for s in window.document_view.layer.ordered()} == {"Pieter"}
    window.show_coders_action.trigger()
    assert not margin.show_coders


def make_template(tmp_path):
    """A .dotx whose Quote style is in Georgia 13 pt, made with python-docx then marked a template."""
    from docx.shared import Pt

    doc = docx.Document()
    doc.styles["Quote"].font.name = "Georgia"
    doc.styles["Quote"].font.size = Pt(13)
    plain = tmp_path / "house.docx"
    doc.save(str(plain))
    dotx = tmp_path / "house.dotx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(dotx, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(item, data)
    return dotx


def test_word_report_from_the_window_with_title_template_paper_and_grouping(window, qtbot, tmp_path, monkeypatch):
    from docx.shared import Mm

    from workbench.ui.dialogs.report_dialog import ReportDialog

    out = tmp_path / "report.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "Word (*.docx)"))
    dialog = window.analysis_actions.report.trigger() or [d for d in window.findChildren(ReportDialog, "reportDialog")
                                                          if d.isVisible()][0]
    assert dialog.title.placeholderText() == "Small study"  # the project's name titles the report
    dialog.title.setText("Provincial constraint, first pass")
    dialog.template.setText(str(make_template(tmp_path)))
    dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
    dialog.group_by.setCurrentIndex(dialog.group_by.findData("case"))
    panel = window.panel_docks.panel("queryPanel")
    with qtbot.waitSignal(panel.export_finished, timeout=20000):
        dialog.accept()
    JobRunner.instance().wait()
    assert str(out) in window.statusBar().currentMessage()
    d = docx.Document(str(out))
    paras = [(p.style.name, p.text) for p in d.paragraphs]
    assert paras[0] == ("Title", "Provincial constraint, first pass")
    assert ("Heading 1", "Johannesburg") in paras and ("Heading 1", "Addis Ababa") in paras  # by case
    assert d.styles["Quote"].font.name == "Georgia"  # the template's styles
    assert abs(d.sections[0].page_width - Mm(215.9)) < Mm(1) and abs(d.sections[0].page_height - Mm(279.4)) < Mm(1)
    # Thandi and Pieter coded "Every agreement waits for provincial sign-off" alike: one quote naming both.
    quote = "Every agreement waits for provincial sign-off"
    under_jhb = paras[paras.index(("Heading 1", "Johannesburg")):]
    assert [t for s, t in under_jhb if s == "Quote"].count(quote) == 1
    citation = under_jhb[[t for s, t in under_jhb].index(quote) + 1][1]
    assert "Thandi" in citation and "Pieter" in citation and " and " in citation


def test_agreement_explains_itself_and_follows_the_code_selected(window, project_path, qtbot):
    from workbench.services.sources import source_text

    panel = window.team_actions.open_agreement()
    head = panel.tree.headerItem()
    assert "99%" in head.toolTip(1) and "kappa of 0" in head.toolTip(1)
    assert "chance" in head.toolTip(2) and "undefined" in head.toolTip(2)
    assert all(head.toolTip(c) for c in range(6))
    panel.coder_a.setCurrentText("Thandi")
    panel.coder_b.setCurrentText("Pieter")
    with qtbot.waitSignal(panel.computed, timeout=20000):
        panel.compute_button.click()
    autonomy = panel.tree.topLevelItem(0)
    assert autonomy.text(0) == "autonomy"
    panel.tree.setCurrentItem(autonomy)  # a code row: the comparison follows it
    view = panel.comparison
    text = source_text(window.ctx.project, "interview_jhb.txt")
    start = text.index("We set our own agenda")
    assert view.title.text() == "interview_jhb.txt — code “autonomy”"
    # Pieter's "We set our own agenda and fund" runs past Thandi's: with only autonomy compared, "fund"
    # is Pieter's alone, though Thandi coded it with "own funding" (which all codes would call mixed).
    assert view.kind_at(start) == "both" and view.kind_at(text.index("fund the", start)) == "b"
    help_button = panel.findChild(type(panel.compute_button), "agreementHelpButton")
    help_button.click()
    viewer = window.help_actions.viewer
    assert viewer.isVisible() and "Cohen's kappa" in viewer.browser.toPlainText()


def test_agreement_export_is_landscape_and_its_numbers_do_not_wrap(window, qtbot, tmp_path):
    panel = window.team_actions.open_agreement()
    panel.coder_a.setCurrentText("Thandi")
    panel.coder_b.setCurrentText("Pieter")
    out = tmp_path / "agreement.docx"
    panel.export(str(out))
    assert str(out) in window.statusBar().currentMessage()
    d = docx.Document(str(out))
    section = d.sections[0]
    assert section.page_width > section.page_height
    assert len(d.tables) == 2
    body = d.element.body
    kinds = [el.tag.split("}")[1] for el in body]
    first, second = kinds.index("tbl"), len(kinds) - 1 - kinds[::-1].index("tbl")
    between = body[first + 1:second]
    assert any("w:br" in el.xml and 'w:type="page"' in el.xml for el in between)  # a page between them
    numbers = d.tables[0].rows[1].cells[-1]
    assert "<w:noWrap/>" in numbers._tc.xml
    assert [c.text for c in d.tables[0].rows[0].cells][0] == "Code"


def test_help_opens_the_user_guide_with_its_pictures(window):
    window.help_actions.guide.trigger()
    viewer = window.help_actions.viewer
    assert viewer.isVisible()
    text = viewer.browser.toPlainText()
    for step in ("Import", "codebook", "Cases and attributes", "Word report", "merge", "agreement", "REFI-QDA"):
        assert step in text, step
    from PySide6.QtGui import QTextDocument

    doc = viewer.browser.document()
    images = [f.toImageFormat().name() for b in _blocks(doc) for f in _formats(b) if f.isImageFormat()]
    assert images and all(not doc.resource(QTextDocument.ResourceType.ImageResource, _url(doc, n)).isNull()
                          for n in images)


def _blocks(doc):
    b = doc.begin()
    while b.isValid():
        yield b
        b = b.next()


def _formats(block):
    it = block.begin()
    while not it.atEnd():
        yield it.fragment().charFormat()
        it += 1


def _url(doc, name):
    return doc.baseUrl().resolved(__import__("PySide6.QtCore").QtCore.QUrl(name))
