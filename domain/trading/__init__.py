"""trading."""
