"""A qualitative coding workbench: sources, codebook, codings, cases and memos in one project file."""

__version__ = "0.1.0"
