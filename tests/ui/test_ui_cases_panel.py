"""Cases and attributes in the window (issue 10, item 1), driven through the Cases panel's widgets
and checked in the project file with plain sqlite."""
from __future__ import annotations

import csv
import sqlite3

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMessageBox, QPushButton


def rows(path, sql, *args):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def values(path) -> dict[tuple[str, str], str]:
    return {(c, a): v for c, a, v in rows(path, "SELECT c.name, a.name, v.value FROM attribute_value v "
                                                "JOIN case_ c ON c.id = v.case_id JOIN attribute a ON a.id = v.attribute_id")}


def confirm_soon(expect: str):
    def click():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and expect in box.text(), box
        box.findChild(QPushButton, "confirmYes").click()
    QTimer.singleShot(0, click)


def open_panel(window):
    window.case_actions.open_panel.trigger()
    panel = window.panel_docks.panel("casesPanel")
    assert panel is not None and panel.objectName() == "casesPanel" and panel.isVisible()
    return panel


def type_into(qtbot, table, index, text):
    """Edit a cell as a person does: select it, start editing, type, press Enter."""
    table.setCurrentIndex(index)
    table.edit(index)
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, editors
    editor = editors[0]
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop, as in the running program.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    QApplication.processEvents()  # the edit reaches the project queued, after the editor closed


def case_id(path, name):
    return rows(path, "SELECT id FROM case_ WHERE name = ?", name)[0][0]


def test_attributes_are_typed_and_values_edited_in_place_sorted_filtered_undone(window, project_path, qtbot):
    panel = open_panel(window)
    table = panel.table
    assert panel.format.text().startswith("<b>CSV format</b>") and "sources" in panel.format.text()
    window.case_actions.new_attribute.trigger()
    from workbench.ui.panels.cases_panel import AttributeDialog

    dialog = window.findChild(AttributeDialog, "attributeDialog")
    dialog.name_field.setText("population")
    dialog.type_field.setCurrentIndex(dialog.type_field.findData("number"))
    dialog.accept()
    assert rows(project_path, "SELECT type FROM attribute WHERE name = 'population'") == [("number",)]
    col = panel.model.column_of(rows(project_path, "SELECT id FROM attribute WHERE name='population'")[0][0])
    jhb, addis = case_id(project_path, "Johannesburg"), case_id(project_path, "Addis Ababa")
    type_into(qtbot, table, panel.cell(jhb, col), "5,600,000")
    assert values(project_path)[("Johannesburg", "population")] == "5600000"
    type_into(qtbot, table, panel.cell(addis, col), "many")  # not a number: refused, nothing stored
    assert "not a number" in window.last_error
    assert ("Addis Ababa", "population") not in values(project_path)
    type_into(qtbot, table, panel.cell(addis, col), "3384569")
    # Sorting by the number column orders by value, not by text ("3384569" < "5600000" either way;
    # "900" would sort after both as text).
    type_into(qtbot, table, panel.cell(jhb, col), "900")
    table.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    order = [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]
    assert order == ["Johannesburg", "Addis Ababa"]
    panel.filter.setText("ethiop")  # any column: the country
    assert [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())] == ["Addis Ababa"]
    panel.filter.clear()
    window.undo()
    assert values(project_path)[("Johannesburg", "population")] == "5600000"
    # Renaming and describing in place.
    type_into(qtbot, table, panel.cell(jhb, 0), "City of Johannesburg")
    type_into(qtbot, table, panel.cell(jhb, 1), "Metropolitan municipality, Gauteng")
    assert rows(project_path, "SELECT name, description FROM case_ WHERE id = ?", jhb) == [
        ("City of Johannesburg", "Metropolitan municipality, Gauteng")]
    type_into(qtbot, table, panel.cell(addis, 0), "city of johannesburg")  # the one name rule
    assert "already exists" in window.last_error
    assert rows(project_path, "SELECT name FROM case_ WHERE id = ?", addis) == [("Addis Ababa",)]


def test_deleting_a_case_asks_and_undo_brings_it_back_whole(window, project_path, qtbot):
    panel = open_panel(window)
    jhb = case_id(project_path, "Johannesburg")
    guid = rows(project_path, "SELECT guid FROM case_ WHERE id = ?", jhb)[0][0]
    before_values = values(project_path)
    before_links = rows(project_path, "SELECT source_id FROM case_source WHERE case_id = ? ORDER BY 1", jhb)
    window.show_case_memo(jhb, focus=True)
    qtbot.keyClicks(window.memo_pane.editor, "Metro since 2000")
    window.memo_pane.flush()
    panel.select_case(jhb)
    panel.table.setFocus()
    confirm_soon("2 sources stay")
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert rows(project_path, "SELECT id FROM case_ WHERE id = ?", jhb) == []
    assert rows(project_path, "SELECT kind FROM tombstone WHERE guid = ?", guid) == [("case",)]
    assert "Johannesburg" not in [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]
    window.undo()
    assert rows(project_path, "SELECT id, guid FROM case_ WHERE name = 'Johannesburg'") == [(jhb, guid)]
    assert values(project_path) == before_values
    assert rows(project_path, "SELECT source_id FROM case_source WHERE case_id = ? ORDER BY 1", jhb) == before_links
    assert rows(project_path, "SELECT text FROM memo WHERE case_id = ?", jhb) == [("Metro since 2000",)]
    assert rows(project_path, "SELECT guid FROM tombstone WHERE guid = ?", guid) == []


def test_case_sources_dialog_links_and_the_header_follows(window, project_path, qtbot):
    from ui_helpers import source_id

    from workbench.ui.panels.cases_panel import CaseSourcesDialog

    panel = open_panel(window)
    addis = case_id(project_path, "Addis Ababa")
    window.open_source(source_id(window, "policy.txt"))
    assert "Addis Ababa" not in window.area.subtitle.text()
    panel.select_case(addis)
    window.case_actions.case_sources.trigger()
    dialog = window.findChild(CaseSourcesDialog, "caseSourcesDialog")
    items = {dialog.list.item(i).text(): dialog.list.item(i) for i in range(dialog.list.count())}
    assert items["interview_addis.txt"].checkState() == Qt.CheckState.Checked
    items["policy.txt"].setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    assert sorted(r[0] for r in rows(project_path, "SELECT s.name FROM case_source l JOIN source s ON "
                                                   "s.id = l.source_id WHERE l.case_id = ?", addis)) == [
        "interview_addis.txt", "policy.txt"]
    assert "Addis Ababa" in window.area.subtitle.text()  # the open source's header says its cases
    assert panel.model.index(panel.model.row_of(addis), 2).data() == 2


def test_hovering_a_case_shows_its_attributes(window):
    m = window.source_model
    jhb = next(m.index(r, 0) for r in range(m.rowCount()) if m.index(r, 0).data() == "Johannesburg")
    tip = jhb.data(Qt.ItemDataRole.ToolTipRole)
    assert "country: South Africa" in tip and "region: Africa" in tip and "year_signed: 2001" in tip
    assert tip.endswith("2 sources") and "sources:" not in tip


def test_csv_export_then_import_round_trips(window, project_path, tmp_path):
    out = tmp_path / "cases.csv"
    assert window.case_actions.export_cases_file(str(out))
    assert str(out) in window.statusBar().currentMessage()
    with out.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == ["case", "country", "region", "year_signed", "sources"]
    assert ["Johannesburg", "South Africa", "Africa", "2001", "interview_jhb.txt; policy.txt"] in table
    table[1][2] = "Southern Africa" if table[1][0] == "Johannesburg" else table[1][2]
    table.append(["Cape Town", "South Africa", "Africa", "", ""])
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)
    assert window.case_actions.import_cases_file(str(out))
    assert values(project_path)[("Johannesburg", "region")] == "Southern Africa"
    assert rows(project_path, "SELECT count(*) FROM case_ WHERE name = 'Cape Town'") == [(1,)]
    window.undo()
    assert values(project_path)[("Johannesburg", "region")] == "Africa"
    assert rows(project_path, "SELECT count(*) FROM case_ WHERE name = 'Cape Town'") == [(0,)]
