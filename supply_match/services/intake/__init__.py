"""Orders and households as cadres enter them: forms, imports, lists."""
