"""Package layout: the top-level migrations/ folder ships as workbench.migrations."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["workbench", "workbench.*"])
    + ["workbench.migrations", "workbench.migrations.versions"],
    package_dir={"workbench.migrations": "migrations"},
)
