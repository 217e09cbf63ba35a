"""Service catalogue: see docs/architecture.md (being written)."""
