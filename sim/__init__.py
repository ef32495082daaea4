"""ceasefire-sim: a Monte Carlo scenario simulator of ceasefire negotiations."""

__version__ = "0.1.0"
