"""Balance confirmations (对账单 / 询证函): built from the store, signed with the platform's key,
rendered as PDF, and checked against their signature and the store."""
