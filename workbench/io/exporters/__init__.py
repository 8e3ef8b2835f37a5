"""Exporters: one module per format; each writes through io.atomic."""
