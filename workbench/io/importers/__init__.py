"""Source importers: one module per format, all behind workbench.io.importers.base.read_document."""
