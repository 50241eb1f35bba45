"""Products, outlets, stock and its ledger, matching, supply against demand."""
