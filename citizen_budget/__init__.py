"""The public citizen budget: pages, charts, open data, public API, feedback."""
