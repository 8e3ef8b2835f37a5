"""Screenshots of the window with analysis panels open, for notes and docs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py OUT_DIR [PROJECT.qwb]

Works on a copy of the project (the sample by default) in a temporary folder, with settings of
its own, and writes matrix.png (codes x cases, a cell's excerpts listed), query.png (a query's
results), search.png and agreement.png to OUT_DIR.
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
            agreement.tree.setCurrentItem(top.child(0))
    save_screenshot(window, out / "agreement.png")
    window.close()
    print("\n".join(str(out / n) for n in ("matrix.png", "query.png", "search.png", "agreement.png")))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
