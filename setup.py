"""Package layout: the top-level migrations/, resources/ and docs/ folders ship as workbench.migrations,
workbench.resources and workbench.docs (Help shows the guide from there)."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["workbench", "workbench.*"])
    + ["workbench.migrations", "workbench.migrations.versions", "workbench.resources", "workbench.docs",
     "workbench.docs.screenshots"],
    package_dir={"workbench.migrations": "migrations", "workbench.resources": "resources", "workbench.docs": "docs"},
)
