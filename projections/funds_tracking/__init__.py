"""funds_tracking."""
