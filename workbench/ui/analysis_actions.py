"""The Analysis menu: query, matrix, co-occurrence, text search and code frequencies, docked on the
window's open project and wired to its document view and undo stack (issue 4)."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from workbench.core.changes import Kind
from workbench.ui.panel_docks import ANALYSED, PanelSpec
from workbench.ui.actions import make_action
from workbench.ui.wording import count


def _update_query(panel) -> None:
    panel.refresh_choices()
    if panel.status.text():  # it has run: run it again
        panel.run_query()


def _update_matrix(panel) -> None:
    panel.refresh_choices()
    panel.refresh()


def _update_search(panel) -> None:
    """New or renamed codes in the list (the chosen one kept); sources added or removed: search again."""
    current = panel.code.currentData()
    panel.refresh_codes()
    i = panel.code.findData(current)
    if i >= 0:
        panel.code.setCurrentIndex(i)
    if panel.result is not None:
        panel.run_search()


class AnalysisActions(QObject):
    """Opens each analysis panel once (then raises it) and connects it to the window."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.query = self._action("Query…", self.open_query, "Ctrl+Shift+Q", "analysisQuery",
                                  "Coded segments by code, case, attribute and coder, or by an expression")
        self.matrix = self._action("Matrix…", self.open_matrix, None, "analysisMatrix",
                                   "Codes by cases, attribute values, coders or sources")
        self.cooccurrence = self._action("Co-occurrence…", self.open_cooccurrence, None, "analysisCooccurrence",
                                         "Where codes overlap, code by code")
        self.search = self._action("Text search…", self.open_search, "Ctrl+Shift+F", "analysisSearch",
                                   "Search every source; code the hits in one step")
        self.frequencies = self._action("Code frequencies", self.open_frequencies, None, "analysisFrequencies",
                                        "Segments, sources, cases and coders per code, with a chart")
        self.report = self._action("Word report…", self.word_report, None, "wordReport",
                                   "The coded excerpts of the query as a Word document: title, template, paper, "
                                   "grouping by code or by case")
        self.all = [self.query, self.matrix, self.cooccurrence, self.search, self.frequencies, self.report]
        self._enable(False)
        window.project_opened.connect(lambda: self._enable(True))
        window.project_closing.connect(lambda: self._enable(False))

    def _action(self, text, slot, key, name, tip) -> QAction:
        return make_action(self.w, text, slot, name=name, keys=key, tip=tip, bare=True)

    def _enable(self, on: bool) -> None:
        for a in self.all:
            a.setEnabled(on)

    def add_menu(self, bar) -> None:
        menu = bar.addMenu("A&nalysis")
        menu.setObjectName("analysisMenu")
        menu.addActions([self.query, self.matrix, self.cooccurrence])
        menu.addSeparator()
        menu.addActions([self.search, self.frequencies])
        menu.addSeparator()
        menu.addAction(self.report)
        self.menu = menu

    # -- the panels ----------------------------------------------------------------------------
    def _open(self, name, title, build, update, kinds=ANALYSED, auto=False):
        return self.w.panel_docks.open(PanelSpec(name, title, build, update, kinds, auto))

    def open_query(self):
        return self._open("queryPanel", "Query", self._query, _update_query)

    def _query(self, ctx):
        from workbench.ui.panels.query_panel import QueryPanel

        panel = QueryPanel(ctx.project)
        panel.project_name = ctx.name
        panel.coding_activated.connect(self.w.show_coding)
        panel.export_finished.connect(lambda path, n: self.w.status_note(
            f"Wrote the Word report ({count(n, 'excerpt')}) to {path}"))
        return panel

    def word_report(self):
        """The query panel's report (all coded segments when nothing is chosen there); returns the dialog."""
        panel = self.open_query()
        return panel._ask_export() if panel is not None else None

    def open_matrix(self):
        return self._open("matrixView", "Matrix", self._matrix, _update_matrix)

    def open_cooccurrence(self):
        return self._open("cooccurrencePanel", "Co-occurrence", lambda ctx: self._matrix(ctx, "cooccurrence"),
                          _update_matrix,
                          frozenset({Kind.CODING, Kind.CODE, Kind.SOURCE}))

    def _matrix(self, ctx, kind: str = "matrix"):
        from workbench.ui.panels.cooccurrence_panel import CooccurrencePanel
        from workbench.ui.panels.matrix_view import MatrixView

        panel = (MatrixView if kind == "matrix" else CooccurrencePanel)(ctx.project)
        panel.coding_activated.connect(self.w.show_coding)
        panel.exported.connect(lambda path: self.w.status_note(f"Exported the table to {path}"))
        panel.refresh()  # a table on screen at once; it is quick (issue 4: 300 ms at 150 codes x 300 cases)
        return panel

    def open_search(self):
        panel = self._open("searchPanel", "Text search", self._search, _update_search,
                           frozenset({Kind.CODE, Kind.SOURCE}), auto=True)
        if panel is not None:
            panel.text.setFocus()
        return panel

    def _search(self, ctx):
        from workbench.ui.panels.search_panel import SearchPanel

        panel = SearchPanel(ctx.project, code_hits_callback=self.code_hits, coder=ctx.coder_name or None)
        panel.passage_activated.connect(self.w.show_passage)
        return panel

    def code_hits(self, hits, code_id: int, extend: str) -> bool:
        """Code search hits as one step on the window's undo stack."""
        from workbench.ui.panels.code_hits_command import code_hits_command

        ctx = self.w.ctx
        if ctx is None:
            return False
        command = code_hits_command(ctx, hits, code_id, extend)
        if command is None or not ctx.execute(command):
            return False
        panel = self.w.panel_docks.panel("searchPanel")
        if panel is not None:
            panel.status.setText(f"Coded {len(hits)} hit{'s' if len(hits) != 1 else ''} with "
                                 f"“{panel.code.currentText()}”; Edit → Undo takes it back")
        self.w.status_note(command.text())
        return True

    def open_frequencies(self):
        return self._open("frequenciesPanel", "Code frequencies", self._frequencies, lambda p: p.refresh(),
                          auto=True)

    def _frequencies(self, ctx):
        from workbench.ui.panels.frequencies_panel import FrequenciesPanel

        return FrequenciesPanel(ctx.project)
