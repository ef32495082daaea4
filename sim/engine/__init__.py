"""Engines that walk a protocol's phases (vector and Mesa) and the Monte Carlo runner."""

ENGINES: tuple[str, ...] = ("vector", "mesa")
"""Engine names: ``vector`` runs all replications of a chunk as arrays, ``mesa`` one Mesa model
per replication."""
