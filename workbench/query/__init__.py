"""Read-only retrieval: coded segments, code combinations, matrices, co-occurrence, search."""
