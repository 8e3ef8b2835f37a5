"""The main window: dockable panels around the document view, menus, and routing of changes to views."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QHeaderView, QLabel, QMainWindow, QMessageBox,
                               QSizePolicy, QStackedWidget, QTableView, QWidget)

from workbench.core.changes import Changes, Kind
from workbench.core.errors import ProjectLockedError, ProjectReadOnlyError, WorkbenchError
from workbench.core.gcpause import gc_paused
from workbench.core.location import ServerLocation, parse_location
from workbench.query import document as q
from workbench.ui import settings
from workbench.ui.analysis_actions import AnalysisActions
from workbench.ui.case_actions import CaseActions
from workbench.ui.codebook_actions import CodebookActions
from workbench.ui.coding_actions import CodingActions
from workbench.ui.context import ProjectContext
from workbench.ui.dialogs.source_encoding import choose_source_encoding
from workbench.ui.edit_actions import EditActions
from workbench.ui.help_actions import HelpActions
from workbench.ui.exchange_actions import ExchangeActions
from workbench.ui.jobs import JobRunner
from workbench.ui.live import LiveFeed, presence_text
from workbench.ui.memo_actions import MemoActions
from workbench.ui.memo_targets import MemoTargets
from workbench.ui.models import ID_ROLE
from workbench.ui.models.code_tree import CodeTreeModel
from workbench.ui.models.codings import CodingListModel
from workbench.ui.models.sources import SourceTreeModel
from workbench.ui.panel_docks import PanelDocks
from workbench.ui.project_actions import ProjectActions
from workbench.ui.source_actions import SourceActions
from workbench.ui.start_screen import StartScreen
from workbench.ui.team_actions import TeamActions
from workbench.ui.views.codebook_panel import CodebookPanel
from workbench.ui.views.headings import source_headings
from workbench.ui.views.coder_marks import coder_marks
from workbench.ui.views.document_area import MINE, DocumentArea
from workbench.ui.views.memo_pane import MemoPane
from workbench.ui.views.source_panel import SourcePanel
from workbench.ui.actions import make_action
from workbench.ui.window_layout import StatusBar, WindowLayout
from workbench.ui.wording import count

Left, Right, Bottom = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                       Qt.DockWidgetArea.BottomDockWidgetArea)


class MainWindow(QMainWindow):
    """One project at a time. Other panels (queries, matrices, merge reports) dock in with add_panel()."""

    project_opened = Signal()  # a project is open and its views are filled
    project_closing = Signal()  # before it closes: panels on it close, jobs on it stop

    def __init__(self):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Qualitative Workbench")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        self.ctx: ProjectContext | None = None
        # Off for `--screenshot`: render the default layout, and leave the user's saved one alone.
        self.remember_layout = True
        self.last_error = ""
        self._selected_coding: int | None = None
        self.code_model = CodeTreeModel(None, self)
        self.source_model = SourceTreeModel(None, self)
        self.area = DocumentArea(self)
        self.document_view = self.area.view
        self.coding_model = CodingListModel(self.document_view.layer, self)
        self.source_panel = SourcePanel(self.source_model, self)
        self.codebook_panel = CodebookPanel(self.code_model, self)
        self.coding_list = QTableView(self)
        self.coding_list.setObjectName("codingList")
        self.coding_list.setModel(self.coding_model)
        self.coding_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.coding_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.coding_list.verticalHeader().hide()
        self.coding_list.setShowGrid(False)
        self.coding_list.setWordWrap(False)
        self.coding_list.setAlternatingRowColors(True)
        head = self.coding_list.horizontalHeader()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(0, 120)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(1, 86)  # a coder's name beside the coder's colour
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        head.resizeSection(3, 26)
        self.coding_list.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.memo_pane = MemoPane(self)
        self.start_screen = StartScreen(self)
        # Hidden under an open project, it must not hold the window wider than a small screen.
        self.start_screen.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.start_screen)
        self.stack.addWidget(self.area)
        self.setCentralWidget(self.stack)

        self.docks: dict[str, QDockWidget] = {}
        self.add_panel(self.source_panel, "Sources", Left)
        self.add_panel(self.codebook_panel, "Codebook", Left)
        self.add_panel(self.coding_list, "Codings in this source", Right)
        self.add_panel(self.memo_pane, "Memo", Right)

        self.memos = MemoTargets(self)
        self.project_actions = ProjectActions(self)
        self.coding_actions = CodingActions(self)
        self.codebook_actions = CodebookActions(self)
        self.panel_docks = PanelDocks(self)
        self.case_actions, self.source_actions = CaseActions(self), SourceActions(self)
        self.edit_actions, self.help_actions = EditActions(self), HelpActions(self)
        self.memo_actions = MemoActions(self)
        self.analysis_actions, self.team_actions = AnalysisActions(self), TeamActions(self)
        self.exchange_actions = ExchangeActions(self)
        self._build_menus()
        self.status = StatusBar(self)
        from workbench.ui.connection import ConnectionWatch

        self.connection = ConnectionWatch(self)  # a server project's connection: "Reconnecting…"
        self.connection.lost_changed.connect(lambda lost: None if lost else self.memo_pane.flush())
        self.memo_pane.offline = lambda: self.connection.lost
        self.status_coder = self.status.coder
        self.live: LiveFeed | None = None  # on a server project: others' changes and presence
        self.presence = QLabel(self, objectName="presenceLabel")
        self.presence.setVisible(False)
        self.statusBar().addPermanentWidget(self.presence)
        self._connect()
        self.placement = WindowLayout(self)
        self.placement.place()
        self._show_project_ui(False)

    # -- panels -----------------------------------------------------------------------------------
    def add_panel(self, widget: QWidget, title: str, area=Right) -> QDockWidget:
        """Dock a panel; its layout is remembered by the widget's objectName (or the title)."""
        name = widget.objectName() or title.replace(" ", "_")
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        if hasattr(self, "view_menu"):
            self.view_menu.insertAction(self._view_sep, dock.toggleViewAction())
        return dock

    def remove_panel(self, dock: QDockWidget) -> None:
        """Undock and delete a panel added with add_panel()."""
        self.docks = {k: d for k, d in self.docks.items() if d is not dock}
        self.view_menu.removeAction(dock.toggleViewAction())
        self.removeDockWidget(dock)
        dock.deleteLater()

    # -- menus --------------------------------------------------------------------------------------
    def _act(self, text, slot, key=None, name=None) -> QAction:
        return make_action(self, text, slot, name=name, keys=key)

    def _build_menus(self) -> None:
        from workbench.ui.window_menus import build_menus

        build_menus(self)

    def _connect(self) -> None:
        self.source_panel.source_activated.connect(self.open_source)
        self.source_panel.files_dropped.connect(self.project_actions.import_files)
        self.source_panel.cancel_requested.connect(self.project_actions.cancel_job)
        self.source_panel.encoding_requested.connect(lambda sid: choose_source_encoding(self, sid))
        self.codebook_panel.code_selected.connect(lambda cid: self.memos.show_code(cid))
        self.code_model.rename_requested.connect(lambda cid, name: self.codebook_actions.rename_code(cid, name))
        # Moves reset the tree: run them after the drop event has finished with its indexes.
        self.code_model.move_requested.connect(self.codebook_actions.move, Qt.ConnectionType.QueuedConnection)
        self.code_model.passage_dropped.connect(self.coding_actions.drop_passage)
        self.document_view.coding_clicked.connect(self.show_coding)
        self.coding_list.clicked.connect(lambda idx: self.show_coding(idx.data(ID_ROLE)))
        self.coding_list.activated.connect(lambda idx: self.show_coding(idx.data(ID_ROLE)))
        self.area.coder_filter_changed.connect(self._coder_filter)
        start = self.start_screen
        start.open_requested.connect(self.open_project)
        start.new_requested.connect(self.project_actions.new_project)
        start.browse_requested.connect(self.project_actions.open_dialog)
        start.sample_requested.connect(self.project_actions.open_sample_project)
        start.server_requested.connect(self.project_actions.open_server_dialog)

    # -- the project ---------------------------------------------------------------------------------
    def open_project(self, path: str | Path, readonly: bool = False) -> bool:
        """Open a project; one open for writing elsewhere (or on a read-only disk) is offered read-only."""
        from workbench.store.project import open_project

        where = parse_location(path)  # a file, or a server project's postgresql:// URL
        if self.ctx is not None and _same(where, self.ctx.path) and self.ctx.readonly == readonly:
            return True
        try:
            if isinstance(where, ServerLocation):  # a password is asked for only if the server wants one
                from workbench.ui.dialogs.server_open import open_server_project

                project = open_server_project(self, where, readonly=readonly)
            else:
                project = open_project(where, readonly=readonly)
        except (ProjectLockedError, ProjectReadOnlyError) as exc:
            if not readonly and self.offer_read_only(str(exc)):
                return self.open_project(path, readonly=True)
            self.last_error = str(exc)
            return False
        except WorkbenchError as exc:
            self.show_error(str(exc))
            return False
        self.close_project()
        ctx = ProjectContext(project, self)
        ctx.ask_coder = self.ask_coder_name
        ctx.changed.connect(self._on_changed)
        ctx.error.connect(self.show_error)
        ctx.status.connect(self.status_note)
        ctx.coder_changed.connect(self._update_status)
        ctx.coder_changed.connect(self._refresh_coders)  # a coder recorded on their first coding
        ctx.undo_stack.canUndoChanged.connect(self._update_undo)
        ctx.undo_stack.canRedoChanged.connect(self._update_undo)
        ctx.undo_stack.indexChanged.connect(self._update_undo)
        self.ctx = ctx
        self.live = LiveFeed.for_project(project, self)
        if self.live is not None:
            self.live.changed.connect(self._on_others_changed)
            self.live.presence_changed.connect(self._show_presence)
        self.memo_pane.project_key = ctx.guid  # memo drafts are kept under the project's GUID
        ctx.refusal = self.connection.refusal
        ctx.on_connection_lost = self.connection.connection_lost
        self.connection.watch(project)
        for model in (self.code_model, self.source_model):
            model.project = project
            model.reload()
        self.refresh_pins()
        self._choose_coder_at_open()
        self._refresh_coders()
        settings.remember_project(project.path, ctx.name)  # a server project's URL without its password
        self._update_title()
        self._show_project_ui(True)
        for warning in project.warnings:
            self.status_note(warning)
        self._update_status()
        self._update_undo()
        last = settings.settings().value(f"last_source/{ctx.guid}")
        ids = self.source_model.source_ids()
        if last is not None and int(last) in ids:
            self.open_source(int(last))
        elif ids:
            self.open_source(ids[0])
        self.memos.show_project()
        self.project_opened.emit()
        return True

    def offer_read_only(self, message: str) -> bool:
        """The project cannot be opened for writing: say why and offer to open it read-only."""
        box = QMessageBox(QMessageBox.Icon.Warning, "The project cannot be changed here", message,
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("readOnlyOffer")
        box.setInformativeText("You can still open it read-only: read, search, query and export, "
                               "without changing anything.")
        ok = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
        ok.setObjectName("openReadOnlyButton")
        box.setDefaultButton(ok)
        box.exec()
        return box.clickedButton() is ok

    def _choose_coder_at_open(self) -> None:
        """Who codes is chosen per project. Where several people have coded this project on this
        computer (a shared lab machine), ask which of them is at it now."""
        ctx = self.ctx
        if ctx.readonly or ctx.fixed_coder:
            return
        here = ctx.coders_here()
        if len(here) > 1:
            name = self.ask_coder_name(f"Several people have coded “{ctx.name}” on this computer. "
                                       "Who is coding now?")
            if name:
                ctx.set_coder(name)
        elif ctx.coder_name:
            settings.set_project_coder(ctx.coder_key, ctx.coder_name)

    def _update_title(self) -> None:
        ctx = self.ctx
        if ctx is None:
            self.setWindowTitle("Qualitative Workbench")
        else:
            self.setWindowTitle(f"{ctx.name}{' (read-only)' if ctx.readonly else ''} — Qualitative Workbench")

    def close_project(self) -> None:
        if self.ctx is None:
            return
        self.memo_pane.clear_target()
        self.memo_pane.project_key = None
        self.project_actions.cancel_job()
        JobRunner.instance().stop_all()  # every job (import, merge, agreement) uses this project's engine
        self.placement.save()
        self.project_closing.emit()
        if self.live is not None:
            self.live.close()
            self.live.deleteLater()
            self.live = None
            self._show_presence([])
        self.connection.stop()
        self.ctx.close()
        self.ctx.deleteLater()
        self.ctx = None
        for model in (self.code_model, self.source_model):
            model.project = None
            model.reload()
        self.document_view.load(None, [])
        self.coding_model.reload("")
        self.area.show_source(None)
        self.setWindowTitle("Qualitative Workbench")
        self._show_project_ui(False)
        self.start_screen.refresh()

    def _show_project_ui(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.area if on else self.start_screen)
        for dock in self.docks.values():
            dock.setVisible(on)
        if on:
            self.placement.restore_docks()
        for a in self._project_only_actions():
            a.setEnabled(on)
        if on and self.ctx.readonly:
            for a in self._editing_actions():
                a.setEnabled(False)
        if on and self.ctx.fixed_coder:  # a team project: who codes is who signed in
            self.coder_action.setEnabled(False)
        self._update_undo()
        self._update_status()

    def _project_only_actions(self) -> list[QAction]:
        """Actions that mean nothing without a project: off on the start screen rather than silent."""
        ca = self.coding_actions
        pa = self.project_actions
        acts = [pa.close, pa.properties, ca.next_coding, ca.prev_coding, self.find_action, self.find_next,
                self.find_prev, self.project_memo_action, self.source_actions.properties, self.source_actions.memo,
                *self.case_actions.all, *self.memo_actions.all]
        acts += self._editing_actions()
        return acts + [d.toggleViewAction() for d in self.docks.values()]

    def _editing_actions(self) -> list[QAction]:
        """Actions that change the project: off, too, when it is open read-only."""
        ca, cb = self.coding_actions, self.codebook_actions
        acts = [self.project_actions.import_sources, ca.code_with, ca.in_vivo, ca.uncode, ca.coding_memo, *ca.quick,
                self.coder_action, *self.edit_actions.all, *self.source_actions.edits, *self.case_actions.edits]
        return acts + [a for a in vars(cb).values() if isinstance(a, QAction) and a is not cb.export_codebook]

    # -- opening sources and codings ---------------------------------------------------------------------
    def open_source(self, source_id: int) -> None:
        if self.ctx is None or source_id == self.document_view.source_id:
            return
        doc = q.source_document(self.ctx.project, source_id)
        if doc is None:
            return
        with gc_paused():  # 32,000 codings' rows and spans: collections were 145 of a 370 ms opening
            self.document_view.load(doc, q.source_codings(self.ctx.project, source_id))
        row = self.source_model.source(source_id)
        kind = row.kind if row else ""
        self.document_view.set_headings(source_headings(self.ctx.project, source_id, kind, doc.text), kind)
        self._selected_coding = None
        self.coding_model.reload(doc.text)
        self.area.show_source(doc.name, self._source_detail(doc))
        self.source_panel.select_source(source_id)
        self.area.find_bar.refresh()
        settings.settings().setValue(f"last_source/{self.ctx.guid}", source_id)
        if self.live is not None:
            self.live.show_source(source_id)
        if self.memo_pane.target is None or self.memo_pane.target[0] in ("source", "coding", "project"):
            self.memos.show_source(source_id)

    def _source_detail(self, doc) -> str:
        cases = ", ".join(doc.cases) if doc.cases else "no case"
        n = len(self.document_view.layer)
        return f"{cases}  ·  {count(len(doc.text), 'character')}  ·  {count(n, 'coding')}"

    def show_coding(self, coding_id: int) -> bool:
        """Open the coding's source, select its passage and scroll it into view (other panels call this)."""
        if self.ctx is None:
            return False
        loc = q.coding_location(self.ctx.project, coding_id)
        if loc is None:
            self.status_note("That coding is no longer in the project")
            return False
        self.open_source(loc[0])
        view = self.document_view
        span = view.layer.spans.get(coding_id)
        if span is not None and not view.layer.shown(span):
            self.area.coder_filter.setCurrentIndex(0)  # the coding is hidden by the coder filter: show all
        view.select_coding(coding_id)
        self._selected_coding = coding_id
        row = self.coding_model.row_of(coding_id)
        if row >= 0:
            self.coding_list.selectRow(row)
            self.coding_list.scrollTo(self.coding_model.index(row, 0))
        self.memos.show_coding(coding_id)
        view.setFocus()
        return True

    def show_passage(self, source_id: int, start: int, end: int) -> bool:
        """Open a source with the passage start..end (code points) selected and scrolled into view."""
        if self.ctx is None:
            return False
        self.open_source(source_id)
        if self.document_view.source_id != source_id:
            self.status_note("That source is no longer in the project")
            return False
        self._selected_coding = self.document_view.margin.selected = None  # a passage, not a coding
        self.document_view.select_cp(start, end)
        self.document_view.margin.update()
        self.document_view.setFocus()
        return True

    def selected_coding(self) -> int | None:
        cid = self._selected_coding
        return cid if cid is not None and cid in self.document_view.layer.spans else None

    def step_coding(self, direction: int) -> None:
        """Go to the next (+1) or previous (-1) coding of the selected code, across sources."""
        if self.ctx is None:
            return
        code_id = self.codebook_panel.current_code()
        if code_id is None:
            self.status_note("Select a code in the codebook first")
            return
        items = q.code_codings(self.ctx.project, code_id)
        if not items:
            self.status_note("That code has no codings yet")
            return
        order = {sid: i for i, sid in enumerate(self.source_model.source_ids())}
        ids = [it[0] for it in items]
        if self.selected_coding() in ids:
            i = (ids.index(self.selected_coding()) + direction) % len(items)
        else:
            view = self.document_view
            here = (order.get(view.source_id, -1), view.layer.map.to_codepoint(view.textCursor().selectionStart()))
            keys = [(order.get(it[1], 0), it[2]) for it in items]
            if direction > 0:
                i = next((k for k, key in enumerate(keys) if key > here), 0)
            else:
                i = next((k for k in range(len(keys) - 1, -1, -1) if keys[k] < here), len(keys) - 1)
        self.show_coding(ids[i])
        self.status_note(f"Coding {i + 1} of {len(items)} of “{self.code_model.row(code_id).path}”")

    def edit_coding_memo(self, coding_id: int) -> None:
        self.show_coding(coding_id)
        self.memos.show_coding(coding_id, focus=True)

    def show_code_memo(self, code_id: int, focus: bool = False) -> None:
        self.memos.show_code(code_id, focus)

    def show_source_memo(self, source_id: int, focus: bool = False) -> None:
        self.memos.show_source(source_id, focus)

    def show_case_memo(self, case_id: int, focus: bool = False) -> None:
        self.memos.show_case(case_id, focus)

    # -- keeping views in step with the project ---------------------------------------------------------
    def _on_changed(self, ch: Changes) -> None:
        if self.ctx is None:
            return
        view = self.document_view
        sid = view.source_id
        codebook = ch.touched(Kind.CODE)
        if codebook or Kind.CODE in ch.counts and not ch.touched(Kind.CODING):  # a code's memo
            self.code_model.refresh()
            self.refresh_pins()
        if ch.touched(Kind.PROJECT) and self.ctx is not None:
            info = self.ctx.project.info()
            self.ctx.set_details(info.name, info.description or "")
            self._update_title()
        if any(ch.touched(k) for k in (Kind.SOURCE, Kind.CASE, Kind.PROJECT, Kind.FOLDER, Kind.ATTRIBUTE,
                                       Kind.LINK, Kind.VALUE, Kind.PASSAGE)):
            self.source_model.reload()
            sources_read = True
        else:
            sources_read = False
        deltas = None  # (per code, per source) when every coding that came or went is known here
        if sid is not None and sid not in self.source_model.source_ids():
            view.load(None, [])
            self.coding_model.reload("")
            self.area.show_source(None)
        elif sid is not None and (codebook or ch.bulk() and ch.touched(Kind.CODING)):
            with gc_paused():
                view.layer.load(view.source.text, q.source_codings(self.ctx.project, sid), view.layer.map)
            view.restyle()
            self.coding_model.reload()
        elif sid is not None and (ch.touched(Kind.CODING) or Kind.CODING in ch.counts):
            gone = ch.ids("deleted", Kind.CODING)
            created = ch.ids("created", Kind.CODING)
            before = {c: view.layer.spans[c].row for c in gone + created if c in view.layer.spans}
            if gone:
                view.remove_codings(gone)
            fresh = created + ch.ids("updated", Kind.CODING) + ch.ids("counts", Kind.CODING)
            fresh = [c for c in dict.fromkeys(fresh) if c not in gone]
            rows = q.source_codings(self.ctx.project, sid, fresh) if fresh else []
            if rows:
                view.add_codings(rows)
            self.coding_model.follow(gone, fresh)
            deltas = _count_deltas(ch, before, rows)
        if deltas is not None:
            self._add_counts(ch, *deltas)
        elif ch.touched(Kind.CODING):
            if not sources_read:
                self.source_model.refresh_counts(ch.ids("counts", Kind.SOURCE) or None)
            if not codebook:
                self.code_model.refresh_counts(ch.ids("counts", Kind.CODE) or None)
        if view.source is not None:
            if any(ch.touched(k) for k in (Kind.CASE, Kind.SOURCE, Kind.LINK, Kind.PASSAGE)):  # name, cases
                fresh = q.source_document(self.ctx.project, view.source.id)
                if fresh is not None and fresh.text == view.source.text:
                    view.source = fresh
            self.area.show_source(view.source.name, self._source_detail(view.source))
        target = self.memo_pane.target
        if target is not None and (ch.deleted or ch.created) and self.memos.gone(*target):
            self.memo_pane.clear_target()  # writing on would land on nothing (or, before, on another memo)
        elif ch.touched(Kind.MEMO):
            self.memo_pane.reload()
        if ch.only_codings():  # coding and uncoding: no coder, source, code or case came or went
            self.status.count_codings(len(ch.ids("created", Kind.CODING)) - len(ch.ids("deleted", Kind.CODING)))
            return
        self._refresh_coders()
        self._update_status()

    def _add_counts(self, ch: Changes, codes: dict[int, int], sources: dict[int, int]) -> None:
        """Counts moved by the codings this window saw come and go; a code or source the change
        names that they do not account for is counted again in SQL."""
        self.source_model.add_counts(sources)
        self.code_model.add_counts(codes)
        other = [c for c in ch.ids("counts", Kind.SOURCE) if c not in sources]
        if other:
            self.source_model.refresh_counts(other)
        other = [c for c in ch.ids("counts", Kind.CODE) if c not in codes]
        if other:
            self.code_model.refresh_counts(other)

    def _on_others_changed(self, ch: Changes) -> None:
        """Someone else's change (store/live.py), told to every view as one's own are (the panels
        follow ctx.changed); the reader keeps their place in the document."""
        if self.ctx is None:
            return
        with self.document_view.keeping_place():
            self.ctx.changed.emit(ch)
        if self.live is not None and self.live.others:
            self._show_presence(self.live.others)

    def _show_presence(self, others: list) -> None:
        def name(source_id):
            row = self.source_model.source(source_id) if source_id is not None else None
            return row.name if row else ""

        line, tip = presence_text(others, name)
        self.presence.setText(line)
        self.presence.setToolTip(tip)
        self.presence.setVisible(bool(line))

    def refresh_pins(self) -> None:
        if self.ctx is None:
            self.code_model.set_pins({})
            return
        by_guid = {r.guid: r.id for r in self.code_model.rows()}
        pins = settings.pinned_codes(self.ctx.guid)
        mapping = {by_guid[g]: k + 1 for k, g in enumerate(pins) if g in by_guid}
        self.code_model.set_pins(mapping)
        for k, action in enumerate(self.coding_actions.quick):
            cid = next((c for c, key in mapping.items() if key == k + 1), None)
            action.setText(f"Quick code {k + 1}: {self.code_model.row(cid).name}" if cid else f"Quick code {k + 1}")

    def pinned_code(self, key: int) -> int | None:
        return next((cid for cid, k in self.code_model.pins.items() if k == key), None)

    def _refresh_coders(self) -> None:
        if self.ctx is not None:
            coders = q.coders(self.ctx.project)
            self.area.set_coders(coders, self.ctx.coder_name)
            marks = coder_marks(coders)
            if marks != self.document_view.margin.coder_marks:
                self.document_view.margin.coder_marks = self.coding_model.coder_marks = marks
                self.document_view.margin.update()

    def show_coders(self, on: bool) -> None:
        """Coder initials in the margin's labels (View → Show coders in the margin)."""
        self.document_view.margin.show_coders = bool(on)
        self.document_view.margin.update()
        settings.settings().setValue("view/show_coders", bool(on))

    def _coder_filter(self, choice) -> None:
        if self.ctx is None:
            return
        if choice == MINE:
            mine = {name: cid for cid, name in q.coders(self.ctx.project)}.get(self.ctx.coder_name, 0)
            choice = mine  # 0 matches nobody: a coder new to this project has no codings yet
        self.document_view.set_coder_filter(choice)
        self.coding_model.reload()

    # -- undo, find, coder ------------------------------------------------------------------------------
    def undo(self) -> None:
        if self.ctx is not None:
            self.memo_pane.flush()
            self.ctx.undo()

    def redo(self) -> None:
        if self.ctx is not None:
            self.memo_pane.flush()
            self.ctx.redo()

    def _update_undo(self, *_):
        stack = self.ctx.undo_stack if self.ctx else None
        self.undo_action.setEnabled(bool(stack and stack.canUndo()))
        self.redo_action.setEnabled(bool(stack and stack.canRedo()))
        self.undo_action.setText(f"Undo {stack.undoText()}" if stack and stack.canUndo() else "Undo")
        self.redo_action.setText(f"Redo {stack.redoText()}" if stack and stack.canRedo() else "Redo")

    def open_find(self) -> None:
        if self.ctx is not None:
            self.area.find_bar.open_bar()

    def ask_coder_name(self, question: str = "") -> str | None:
        from workbench.ui.dialogs.coder import CoderDialog

        ctx = self.ctx
        here = ctx.coders_here() if ctx else []
        known = here + [name for _cid, name in q.coders(ctx.project) if name not in here] if ctx else []
        return CoderDialog.ask(known, (ctx.coder_name if ctx else "") or settings.coder_name(), self, question)

    def change_coder(self) -> None:
        if self.ctx is None or self.ctx.readonly or self.ctx.fixed_coder:
            return
        name = self.ask_coder_name()
        if name:
            self.ctx.set_coder(name)
            self._refresh_coders()
            self.status_note(f"Coding “{self.ctx.name}” as {self.ctx.coder_name}")

    # -- status and messages -----------------------------------------------------------------------------
    def status_note(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def show_error(self, text: str) -> None:
        """One clear line; the project was left as it was."""
        self.last_error = text
        self.statusBar().showMessage(text, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Nothing was changed", text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _update_status(self) -> None:
        self.status.update()

    def show_shortcuts(self) -> None:
        rows = [("Ctrl+K", "code the selection with a code you type"), ("1 – 9", "apply the code pinned to that key"),
                ("Ctrl+I", "in-vivo: a new code named by the selected words"),
                ("Drag the selection onto a code", "code it"),
                ("Delete", "delete what is selected: the coding in the text or list, the code, source or case"),
                ("F2", "rename the selected code, source, case or folder"),
                ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo"), ("Ctrl+F, F3", "find in the source, next hit"),
                ("Ctrl+. / Ctrl+,", "next / previous coding of the selected code"),
                ("Ctrl+Shift+E", "cases and attributes"), ("Ctrl+Shift+Q", "query"), ("F1", "the user guide")]
        text = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{text}</table>")

    def show_about(self) -> None:
        from workbench import __version__

        QMessageBox.about(self, "About", f"<b>Qualitative Workbench</b> {__version__}<br/>Free software for coding "
                                         "interviews and documents.")

    # -- layout and window events ---------------------------------------------------------------------------
    def reset_layout(self) -> None:
        self.placement.default_docks()
        for dock in self.docks.values():
            dock.setVisible(self.ctx is not None)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.memo_pane.flush()
        self.placement.save()
        self.close_project()
        super().closeEvent(event)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        projects = [p for p in paths if p.lower().endswith(".qwb")]
        if projects:
            self.open_project(projects[0])
        elif paths and self.ctx is not None:
            self.project_actions.import_files(paths)
        event.acceptProposedAction()


def _count_deltas(ch: Changes, before: dict, rows: list) -> tuple[dict[int, int], dict[int, int]] | None:
    """How many codings each code and source gained or lost in a change of the open source, from
    the rows the document view held (before) and was given (rows); None when the change could
    have moved a count this window did not see: a bulk write, a coding updated (moved or recoded),
    a coding deleted that the view did not hold or created that it already held or was not given
    (another source's), or a code or source that went or came."""
    if ch.bulk() or Kind.CODING in ch.updated or not ch.only_codings():
        return None
    gone, created = ch.ids("deleted", Kind.CODING), ch.ids("created", Kind.CODING)
    given = {r.id: r for r in rows}
    if (len(set(gone)) != len(gone) or len(set(created)) != len(created) or set(gone) & set(created)
            or any(c not in before for c in gone) or any(c in before or c not in given for c in created)):
        return None
    codes: dict[int, int] = {}
    sources: dict[int, int] = {}
    for row, d in [(before[c], -1) for c in gone] + [(given[c], 1) for c in created]:
        codes[row.code_id] = codes.get(row.code_id, 0) + d
        sources[row.source_id] = sources.get(row.source_id, 0) + d
    return codes, sources


def _same(a: Path | ServerLocation, b: Path | ServerLocation) -> bool:
    if isinstance(a, ServerLocation) or isinstance(b, ServerLocation):
        return a == b
    return Path(a).resolve() == Path(b).resolve()
