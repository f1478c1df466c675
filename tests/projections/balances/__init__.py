"""balances."""
