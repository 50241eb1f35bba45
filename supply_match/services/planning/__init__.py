"""Delivery days: pooling, distances, problem building, solving jobs, drafts, edits, publishing."""
