"""The application icon ships inside the package and loads."""
from workbench.ui.app import app_icon


def test_app_icon_loads_from_the_package(qapp):
    icon = app_icon()
    assert not icon.isNull()
    assert not icon.pixmap(32, 32).isNull()
