"""The window's menu bar: every action in its menu, in the order a researcher looks for it."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence

from workbench.ui import settings
from workbench.ui.server_actions import ServerActions


def build_menus(w) -> None:
    """File, Edit, Code, Sources, Cases, Analysis, Team, View and Help, from the window's actions."""
    pa, ca, cb = w.project_actions, w.coding_actions, w.codebook_actions
    w.import_action = pa.import_sources
    file_menu = w.menuBar().addMenu("&File")
    for a in (pa.new, pa.open, pa.open_read_only, pa.open_server, pa.open_sample):
        file_menu.addAction(a)
    w.recent_menu = file_menu.addMenu("Open &recent")
    w.recent_menu.aboutToShow.connect(pa.fill_recent_menu)
    file_menu.addSeparator()
    file_menu.addAction(pa.properties)
    file_menu.addSeparator()
    file_menu.addAction(pa.import_sources)
    w.exchange_actions.add_to(file_menu)  # Import and Export submenus
    file_menu.addSeparator()
    file_menu.addActions([w.team_actions.hand_out, w.team_actions.merge])
    w.server_actions = ServerActions(w)  # publish, check out (issue 14)
    file_menu.addSeparator()
    w.server_actions.add_to_file_menu(file_menu)
    file_menu.addSeparator()
    file_menu.addAction(pa.close)
    file_menu.addAction(pa.quit)

    edit = w.menuBar().addMenu("&Edit")
    w.undo_action = w._act("Undo", w.undo, QKeySequence.StandardKey.Undo, "undo")
    w.redo_action = w._act("Redo", w.redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")],
                                 "redo")
    w.find_action = w._act("Find in source…", w.open_find, QKeySequence.StandardKey.Find, "find")
    w.find_next = w._act("Find next", w.area.find_bar.next, QKeySequence.StandardKey.FindNext, "findNext")
    w.find_prev = w._act("Find previous", w.area.find_bar.previous,
                               QKeySequence.StandardKey.FindPrevious, "findPrevious")
    w.coder_action = w._act("Who is coding…", w.change_coder, None, "changeCoder")
    w.project_memo_action = w._act("Project memo", lambda: w.memos.show_project(focus=True), None,
                                         "projectMemo")
    ea = w.edit_actions
    for a in (w.undo_action, w.redo_action, None, ea.delete, ea.rename, None, w.find_action,
              w.find_next, w.find_prev, None, w.project_memo_action, w.coder_action):
        edit.addSeparator() if a is None else edit.addAction(a)

    code = w.menuBar().addMenu("&Code")
    for a in (ca.code_with, ca.in_vivo, ca.uncode, ca.coding_memo):
        code.addAction(a)
    quick = code.addMenu("Quick codes")
    for a in ca.quick:
        quick.addAction(a)
    code.addSeparator()
    code.addAction(ca.next_coding)
    code.addAction(ca.prev_coding)
    code.addSeparator()
    for a in (cb.new_code, cb.new_subcode, cb.rename, cb.properties, cb.recolor, cb.code_memo, cb.merge, cb.delete):
        code.addAction(a)
    sources = w.menuBar().addMenu("&Sources")
    sources.setObjectName("sourcesMenu")
    sa = w.source_actions
    for a in (pa.import_sources, None, sa.properties, sa.memo, sa.rename, sa.delete, None, sa.new_folder,
              sa.rename_folder, sa.delete_folder):
        sources.addSeparator() if a is None else sources.addAction(a)
    w.case_actions.add_menu(w.menuBar())
    w.analysis_actions.add_menu(w.menuBar())
    w.team_actions.add_menu(w.menuBar())
    w.server_actions.add_to_team_menu(w.team_actions.menu)

    w.view_menu = w.menuBar().addMenu("&View")
    for dock in w.docks.values():
        w.view_menu.addAction(dock.toggleViewAction())
    w._view_sep = w.view_menu.addSeparator()
    w.view_menu.addActions([w.case_actions.open_panel, w.memo_actions.open_list])
    w.view_menu.addSeparator()
    w.view_menu.addAction(w._act("Larger text", lambda: w.document_view.zoomIn(1),
                                       QKeySequence.StandardKey.ZoomIn, "zoomIn"))
    w.view_menu.addAction(w._act("Smaller text", lambda: w.document_view.zoomOut(1),
                                       QKeySequence.StandardKey.ZoomOut, "zoomOut"))
    w.show_coders_action = w._act("Show coders in the margin", w.show_coders, None, "showCoders")
    w.show_coders_action.setCheckable(True)
    w.show_coders_action.setToolTip("Each margin label starts with its coder's initials, in the coder's colour")
    w.show_coders_action.setChecked(settings.settings().value("view/show_coders", False) in (True, "true"))
    w.document_view.margin.show_coders = w.show_coders_action.isChecked()
    w.view_menu.addAction(w.show_coders_action)
    w.view_menu.addAction(w.exchange_actions.last_report)
    w.view_menu.addAction(w._act("Reset panel layout", w.reset_layout, None, "resetLayout"))

    help_menu = w.menuBar().addMenu("&Help")
    help_menu.setObjectName("helpMenu")
    w.help_actions.add_to(help_menu)
    help_menu.addAction(w._act("Keyboard shortcuts", w.show_shortcuts, None, "shortcuts"))
    help_menu.addAction(w._act("About", w.show_about, None, "about"))
    w.codebook_panel.add_button(cb.new_code)
    w.source_panel.import_button.setDefaultAction(pa.import_sources)
