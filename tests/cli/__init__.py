"""The steelyard command through its real entry point."""
