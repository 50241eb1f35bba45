"""Business rules: each module is one use case area, reachable by tests without HTTP."""
