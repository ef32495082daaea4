"""The model's mathematics as pure NumPy functions.

No Mesa, no I/O, no global state: every function takes arrays (leading axes are replications,
then actors, then issues, as the caller needs) and returns arrays. Read these modules to learn
the model; ``docs/ODD.md`` describes how they fit together.
"""
