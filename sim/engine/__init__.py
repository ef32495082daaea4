"""Engines that walk a protocol's phases (vector and Mesa) and the Monte Carlo runner."""

ENGINES: tuple[str, ...] = ("vector", "mesa", "compiled")
"""Engine names: ``vector`` runs all replications of a chunk as arrays (pure NumPy, the
default; the command line also accepts ``numpy`` for it), ``mesa`` one Mesa model per
replication, ``compiled`` the round fused into numba kernels per replication (an optional
extra; see :mod:`sim.engine.compiled`)."""
