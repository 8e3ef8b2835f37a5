"""Domain types and rules that know nothing of storage or Qt."""
