"""Starting the window: the application object, the look, the start screen or a project, screenshots."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from workbench.ui import settings

SCREENSHOT_SIZE = (1400, 900)
# The offscreen platform logs this whenever a top-level window's size hints change: no fault of ours.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"
_previous_handler = None
_filter_installed = False


def _filter_qt_messages(mode, context, message) -> None:
    """Drop exactly the offscreen platform's propagateSizeHints note; pass every other message on."""
    if message.strip() == OFFSCREEN_NOISE:
        return
    if _previous_handler is not None:
        _previous_handler(mode, context, message)
    else:
        from PySide6.QtCore import qFormatLogMessage

        print(qFormatLogMessage(mode, context, message), file=sys.stderr)


def install_message_filter() -> None:
    global _previous_handler, _filter_installed
    if not _filter_installed:
        from PySide6.QtCore import qInstallMessageHandler

        _previous_handler = qInstallMessageHandler(_filter_qt_messages)
        _filter_installed = True


def dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d31", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#26282c",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#34363b",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#34363b",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.Mid: "#4a4d52",
        QPalette.ColorRole.PlaceholderText: "#8a8d93", QPalette.ColorRole.Link: "#7fb0ff",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#8a8d93"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#8a8d93"))
    return p


def app_icon():
    """The application icon shipped in resources/ (installed as workbench.resources)."""
    from importlib import resources

    from PySide6.QtGui import QIcon, QPixmap

    data = resources.files("workbench.resources").joinpath("workbench.svg").read_bytes()
    pixmap = QPixmap()
    pixmap.loadFromData(data, "SVG")
    return QIcon(pixmap)


def application() -> QApplication:
    """The QApplication, made once with our names, high-DPI policy and the platform's light or dark look."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName(settings.ORGANISATION)
    QCoreApplication.setApplicationName(settings.APPLICATION)
    app.setApplicationDisplayName("Qualitative Workbench")
    app.setWindowIcon(app_icon())
    theme = os.environ.get("WORKBENCH_THEME", "").lower()
    if sys.platform.startswith("linux") or theme:
        app.setStyle("Fusion")  # Fusion follows the palette; native styles on Windows and macOS do already
    if theme == "dark" or (theme != "light" and app.styleHints().colorScheme() == Qt.ColorScheme.Dark
                           and app.style().name().lower() == "fusion"):
        app.setPalette(dark_palette())
    return app


def most_coded_source(window) -> int | None:
    rows = [window.source_model.source(sid) for sid in window.source_model.source_ids()]
    rows = [r for r in rows if r is not None]
    return max(rows, key=lambda r: (r.codings, -r.position)).id if rows else None


def busiest(spans):
    """The span with the most others starting shortly around it (a screenful's worth of text)."""
    from bisect import bisect_left, bisect_right

    starts = [s.start for s in spans]
    return max(spans, key=lambda s: bisect_right(starts, s.start + 1500) - bisect_left(starts, s.start - 300))


def save_screenshot(window, path: str | Path) -> None:
    """Render the window as it stands to a PNG, written atomically."""
    from workbench.io.atomic import atomic_path

    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
    pixmap = window.grab()
    with atomic_path(path) as tmp:
        if not pixmap.save(str(tmp), "PNG"):
            from workbench.core.errors import WorkbenchError

            raise WorkbenchError(f"{path}: the screenshot could not be written")


def run_app(project_path: str | None, screenshot: str | None = None) -> int:
    """Open the window (on a project, if given). With screenshot: lay out, save a PNG of it, exit 0."""
    from workbench.ui.main_window import MainWindow

    app = application()
    install_message_filter()
    window = MainWindow()
    from workbench.ui.connection import lost_connection_hook

    sys.excepthook = lost_connection_hook(window)  # a read cut off in a slot: "Reconnecting…", no traceback
    if screenshot:
        window.remember_layout = False
        window.resize(*SCREENSHOT_SIZE)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, QGuiApplication.platformName() != "offscreen")
    window.show()
    if project_path:
        if not window.open_project(project_path):
            if screenshot:
                print(f"workbench open: {window.last_error}", file=sys.stderr)
                return 1
    if screenshot:
        window.resize(*SCREENSHOT_SIZE)
        sid = most_coded_source(window) if window.ctx else None
        if sid is not None:
            window.open_source(sid)
            spans = window.document_view.layer.ordered()
            if spans:  # land on a coded passage in the busiest stretch of the text, selected
                window.show_coding(busiest(spans).id)
        save_screenshot(window, screenshot)
        window.close()
        return 0
    return app.exec()
