"""The small project's sources and codes (tests/conftest.py), known without asking the program."""
from __future__ import annotations

import importlib.util
from pathlib import Path

# Loaded by path: several test folders have a conftest.py, so "import conftest" is ambiguous.
_spec = importlib.util.spec_from_file_location("_small_project_conftest_fuzz",
                                               Path(__file__).resolve().parents[1] / "conftest.py")
_small = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_small)
SOURCES: dict[str, str] = _small.SOURCES
CODES = _small.CODES
