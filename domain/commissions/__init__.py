"""Sales commissions: the rates finance or a director sets, versioned."""
