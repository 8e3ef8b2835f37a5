"""The command line's codebook and case actions, from the window, with the same validation."""
from __future__ import annotations

from ui_helpers import codebook_in, source_id


def case_groups(window):
    m = window.source_model
    return {m.index(r, 0).data(): [m.index(i, 0, m.index(r, 0)).data() for i in range(m.rowCount(m.index(r, 0)))]
            for r in range(m.rowCount())}


def test_import_codebook_outline_and_export_it(window, project_path, tmp_path):
    outline = tmp_path / "codebook.txt"
    outline.write_text("autonomy\n  agenda setting | setting its own agenda\nnetworks [#59a14f]\n", encoding="utf-8")
    window.codebook_actions.import_codebook_file(str(outline))
    paths, _ = codebook_in(project_path)
    assert paths["autonomy/agenda setting"][1] == "setting its own agenda"
    assert paths["networks"][0] == "#59a14f"
    assert any(r.path == "autonomy/agenda setting" for r in window.code_model.rows())
    out = tmp_path / "out.txt"
    window.codebook_actions.export_codebook_file(str(out))
    assert "  agenda setting | setting its own agenda" in out.read_text(encoding="utf-8")


def test_a_bad_codebook_file_changes_nothing(window, project_path, tmp_path):
    before = codebook_in(project_path)
    bad = tmp_path / "codebook.txt"
    bad.write_text("autonomy\n   three spaces\n", encoding="utf-8")
    window.codebook_actions.import_codebook_file(str(bad))
    assert "line 2" in window.last_error and str(bad) in window.last_error
    window.codebook_actions.import_codebook_file(str(tmp_path / "codebook.xyz"))
    assert "cannot import a codebook" in window.last_error
    assert codebook_in(project_path) == before


def test_cases_from_csv_regroup_the_sources(window, project_path, tmp_path):
    csv = tmp_path / "cases.csv"
    csv.write_text("name,country,sources\nTshwane,South Africa,policy.txt\n", encoding="utf-8")
    window.case_actions.import_cases_file(str(csv))
    groups = case_groups(window)
    assert groups["Tshwane"] == ["policy.txt"]
    assert "1 created" in window.statusBar().currentMessage()
    window.undo()  # the import is one undoable step
    assert "Tshwane" not in case_groups(window)
    assert "policy.txt" in case_groups(window)["Johannesburg"]


def test_a_bad_cases_file_changes_nothing(window, project_path, tmp_path):
    before = case_groups(window)
    csv = tmp_path / "cases.csv"
    csv.write_text("name,sources\nTshwane,policy.txt\nCape Town,no_such_source.txt\n", encoding="utf-8")
    window.case_actions.import_cases_file(str(csv))
    assert "line 3" in window.last_error and "no_such_source.txt" in window.last_error
    window.source_model.reload()
    assert case_groups(window) == before


def test_case_create_rename_link_delete(window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from workbench.ui.dialogs.ask import NameDialog

    acts = window.case_actions

    def answer(text):
        dlg = window.findChild(NameDialog, "nameDialog")
        dlg.field.setText(text)
        dlg.accept()

    acts.new_case.trigger()
    answer("Cape Town")
    assert "Cape Town" in case_groups(window)
    acts.new_case.trigger()
    answer("cape  town")  # the same name by the one name rule: refused, naming the case it equals
    assert "already exists" in window.last_error and "Cape Town" in window.last_error
    from workbench.services.cases import link_source

    cape = next(g.id for g in window.source_model.groups() if g.name == "Cape Town")
    window.ctx.attempt(link_source, window.ctx.project, cape, source_id(window, "policy.txt"), True)
    assert case_groups(window)["Cape Town"] == ["policy.txt"]
    tree = window.source_panel.tree
    proxy = window.source_panel.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "Cape Town")
    tree.setCurrentIndex(proxy.index(row, 0))
    acts.rename_case.trigger()
    answer("Cape Town metro")
    assert "Cape Town metro" in case_groups(window)
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "Cape Town metro")
    tree.setCurrentIndex(proxy.index(row, 0))

    def click_delete():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "Cape Town metro" in box.text()
        box.findChild(type(box.defaultButton()), "confirmYes").click()

    QTimer.singleShot(0, click_delete)
    acts.delete_case.trigger()
    assert "Cape Town metro" not in case_groups(window)
    assert "policy.txt" in case_groups(window)["Johannesburg"]  # the source stays


def test_memo_on_a_case_and_a_source(window, project_path, qtbot):
    import sqlite3

    cases = [g for g in window.source_model.groups() if g.id is not None]
    window.show_case_memo(cases[0].id, focus=True)
    qtbot.keyClicks(window.memo_pane.editor, "Partner since 2001")
    window.show_source_memo(source_id(window, "policy.txt"), focus=True)
    qtbot.keyClicks(window.memo_pane.editor, "The framework document")
    window.memo_pane.flush()
    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    rows = dict(con.execute("SELECT coalesce(case_id, -source_id), text FROM memo").fetchall())
    con.close()
    assert rows[cases[0].id] == "Partner since 2001"
    assert rows[-source_id(window, "policy.txt")] == "The framework document"
