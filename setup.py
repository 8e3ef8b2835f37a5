"""Package layout: the top-level migrations/ and resources/ folders ship as workbench.migrations and workbench.resources."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["workbench", "workbench.*"])
    + ["workbench.migrations", "workbench.migrations.versions", "workbench.resources"],
    package_dir={"workbench.migrations": "migrations", "workbench.resources": "resources"},
)
