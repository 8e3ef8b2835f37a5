"""The documents the program shows in Help (the user guide, agreement measures, queries, merge), with
their screenshots: installed inside the package as `workbench.docs` (see setup.py)."""
