"""Engines that walk a protocol's phases (vector and Mesa) and the Monte Carlo runner."""

ENGINES: tuple[str, ...] = ("vector", "mesa", "compiled")
"""Engine names: ``vector`` runs all replications of a chunk as arrays (pure NumPy, the
default), ``mesa`` one Mesa model per replication, ``compiled`` the vector engine with its
hottest rules compiled by numba (an optional extra; see :mod:`sim.engine.compiled`)."""
