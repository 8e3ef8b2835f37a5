"""Issue 9.10 and 12 item 11 in the window: the import report names every refused file and every
guessed encoding, and a text source can be read in another encoding until it is coded."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from workbench.ui.dialogs import source_encoding
from workbench.ui.dialogs.source_encoding import SourceEncodingDialog

GREEK = "Η επαρχία καθυστερεί τις συμφωνίες της πόλης.\n"


def _run_import(window, qtbot, paths):
    job = window.project_actions.import_files([str(p) for p in paths])
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    return window.findChild(QMessageBox, "importReport")


def _source_id(window, name):
    return next(s for s in window.source_model.source_ids() if window.source_model.source(s).name == name)


def test_every_refused_file_is_named_with_its_reason(window, qtbot, tmp_path):
    doc = tmp_path / "minutes.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le"))
    empties = []
    for i in range(25):  # more refusals than fit in the box's text
        e = tmp_path / f"empty{i:02d}.txt"
        e.write_text("")
        empties.append(e)
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: imported\n", encoding="utf-8")
    box = _run_import(window, qtbot, [doc, *empties, good])
    assert box is not None
    everything = box.text() + "\n" + box.detailedText()
    for path in [doc, *empties]:
        line = next(line for line in everything.splitlines() if str(path) + ":" in line)
        assert line.startswith("Not imported: ") and ("empty" in line or ".doc" in line), line
    assert "and 6 more" in box.text()
    assert "good.txt" in {window.source_model.source(s).name for s in window.source_model.source_ids()}


def test_a_guessed_encoding_is_in_the_report(window, qtbot, tmp_path):
    f = tmp_path / "athens.txt"
    f.write_bytes(GREEK.encode("iso8859-7"))
    box = _run_import(window, qtbot, [f])
    assert box is not None and "ISO-8859-7" in box.text() and "sure" in box.text()
    assert "Text encoding" in box.informativeText()


def test_choosing_an_encoding_reads_the_source_again(window, qtbot, tmp_path, monkeypatch):
    f = tmp_path / "athens.txt"
    f.write_bytes(GREEK.encode("iso8859-7"))
    job = window.project_actions.import_files([str(f)])
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    sid = _source_id(window, "athens.txt")
    dlg = SourceEncodingDialog(window.ctx.project, sid, window)
    qtbot.addWidget(dlg)
    dlg.choice.setCurrentIndex(dlg.choice.findData("cp1251"))
    assert dlg.preview.toPlainText() == GREEK.encode("iso8859-7").decode("cp1251")
    dlg.choice.setCurrentIndex(dlg.choice.findData("utf-16"))
    assert "is not UTF-16 text" in dlg.preview.toPlainText()
    assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()

    monkeypatch.setattr(SourceEncodingDialog, "exec", lambda self: (
        self.choice.setCurrentIndex(self.choice.findData("cp1253")), 1)[1])
    window.open_source(sid)
    assert source_encoding.choose_source_encoding(window, sid)
    assert window.document_view.source.text == GREEK.encode("iso8859-7").decode("cp1253")


def test_a_coded_source_cannot_change_its_encoding(window, qtbot):
    sid = _source_id(window, "policy.txt")  # coded in the small project
    dlg = SourceEncodingDialog(window.ctx.project, sid, window)
    qtbot.addWidget(dlg)
    assert "already has" in dlg.note.text()
    assert not dlg.choice.isEnabled()
    assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_the_source_context_menu_offers_the_encoding(window, monkeypatch):
    opened = []
    monkeypatch.setattr(SourceEncodingDialog, "exec", lambda self: opened.append(self.source_id) or 0)
    panel = window.source_panel
    sid = _source_id(window, "policy.txt")
    panel.select_source(sid)
    asked = []
    panel.encoding_requested.connect(asked.append)
    panel.encoding_action.trigger()
    assert asked == [sid] and opened == [sid]  # the window opened the dialog for that source
