"""Metrics: pure functions from validated tables and a period to frozen results."""
