"""The `workbench` command: the same services as the window, from a terminal or a script."""
