"""listings."""
