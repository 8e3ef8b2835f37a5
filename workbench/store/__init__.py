"""The project file: ORM tables, opening, creating and upgrading, safe-storage rules."""
