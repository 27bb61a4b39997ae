"""Priorities: local priority needs, discussion, ranking rounds."""
