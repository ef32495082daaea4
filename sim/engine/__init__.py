"""Engines (vector and Mesa) and the Monte Carlo runner."""
