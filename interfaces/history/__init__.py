"""Any stream of the event store as it stood at a version or a moment, for auditors."""
