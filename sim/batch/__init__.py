"""What protocols act on: parameter blocks, batch state, draws, trace and final classification.

The parameter blocks are compiled from a scenario; the state is that of a batch of
replications; the random numbers are drawn up front; the trace records every round.

Every array has the replications on its leading axis R. This package imports nothing from the
engines or protocols above it; keep this module free of imports so that the scenario layer can
read :mod:`sim.batch.settable` without pulling in the rest.
"""
