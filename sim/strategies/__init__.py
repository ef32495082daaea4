"""Concession strategies: small registered classes, one decision method each."""

from sim.strategies.base import ConcessionContext, Strategy
from sim.strategies.registry import build, get, names, register

__all__ = ["ConcessionContext", "Strategy", "build", "get", "names", "register"]
