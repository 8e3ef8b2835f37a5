"""Fuzzing every typed input and every file format the program reads (issue 12)."""
