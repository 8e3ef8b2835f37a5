"""REFI-QDA exchange: QDPX projects in and out, read safely from archives made by other tools."""
