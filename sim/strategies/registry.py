"""Registry of concession strategies, referred to by name in scenario files.

A strategy is a small class with a unique ``name``, a dict of declared ``traits`` and one
decision method, ``aspiration``. Classes join the registry through the :func:`register`
decorator, which refuses duplicate names (the habit of Axelrod's ``Player.name`` with an
explicit decorator instead of a hand-kept list). Every module of the package is imported on the
first lookup, so a new strategy module needs no list either.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.strategies.base import Strategy

_REGISTRY: dict[str, type[Strategy]] = {}
_LOADED = False


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: add a strategy class to the registry under ``cls.name``.

    Raises:
        ValueError: if the name is empty or already taken.
    """
    name = getattr(cls, "name", "")
    if not name:
        raise ValueError(f"{cls.__qualname__} has no strategy name")
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"strategy name {name!r} is already registered")
    _REGISTRY[name] = cls
    return cls


def _load_builtins() -> None:
    """Import every module of this package once: importing it runs its @register decorators."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module("sim.strategies")
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"sim.strategies.{info.name}")


def names() -> list[str]:
    """Return the registered strategy names, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


def get(name: str) -> type[Strategy]:
    """Return the strategy class registered under ``name``.

    Raises:
        KeyError: with a "did you mean" hint when the name is unknown.
    """
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise KeyError(
            f"unknown strategy {name!r} (known: {', '.join(sorted(_REGISTRY))}){hint}"
        ) from None


def build(name: str, **params: Any) -> Strategy:
    """Build a strategy by name with its parameters (checked by the class)."""
    cls = get(name)
    cls.check_params(params)
    return cls(**params)
