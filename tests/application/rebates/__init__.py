"""rebates."""
