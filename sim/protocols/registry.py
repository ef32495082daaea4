"""Registry of negotiation protocols, referred to by name in scenario files.

A protocol is a :class:`Protocol`: a unique name, a line of help, whether the Mesa engine runs
it, and the ordered phases of one round (plus phases run once before round 1). Both engines
walk exactly these phases, so the order of a round exists in one place. Protocols join the
registry through :func:`register`, which refuses duplicate names, as strategies do; every
module of the ``sim.protocols`` package is imported on the first lookup, so a new protocol is
one new module.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

ACTOR_SELECTIONS = ("parties", "others")
"""Which actors a per-actor phase runs for: the parties, or everyone else (mediators, third
parties)."""


@dataclass(frozen=True)
class Phase:
    """One step of a round.

    Args:
        name: what the phase does, for readers and logs (``"answer"``, ``"walkout"``).
        run: ``run(batch)`` for a whole-table phase, ``run(batch, a)`` for a per-actor phase.
        actors: None for a whole-table phase, else one of :data:`ACTOR_SELECTIONS`; a
            per-actor phase runs for each selected actor in scenario order (the Mesa engine
            through an ``AgentSet`` verb on the selected agents).
    """

    name: str
    run: Callable[..., Any]
    actors: str | None = None

    def __post_init__(self) -> None:
        if self.actors is not None and self.actors not in ACTOR_SELECTIONS:
            raise ValueError(f"phase {self.name!r}: actors must be None or one of "
                             f"{ACTOR_SELECTIONS}, got {self.actors!r}")


@dataclass(frozen=True)
class Protocol:
    """A negotiation protocol: a name, help, Mesa support and its phases."""

    name: str
    help: str
    mesa: bool
    phases: tuple[Phase, ...]
    opening: tuple[Phase, ...] = ()


_REGISTRY: dict[str, Protocol] = {}
_LOADED = False


def register(protocol: Protocol) -> Protocol:
    """Add ``protocol`` to the registry under its name.

    Raises:
        ValueError: if the name is empty, already taken, or the protocol has no phases.
    """
    if not protocol.name:
        raise ValueError("a protocol needs a name")
    if protocol.name in _REGISTRY and _REGISTRY[protocol.name] is not protocol:
        raise ValueError(f"protocol name {protocol.name!r} is already registered")
    if not protocol.phases:
        raise ValueError(f"protocol {protocol.name!r} has no phases")
    _REGISTRY[protocol.name] = protocol
    return protocol


def _load_builtins() -> None:
    """Import every module of this package once: importing a protocol module registers it."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    package = importlib.import_module("sim.protocols")
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"sim.protocols.{info.name}")


def names() -> list[str]:
    """Return the registered protocol names, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


def get(name: str) -> Protocol:
    """Return the protocol registered under ``name``.

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
            f"unknown protocol {name!r} (known: {', '.join(sorted(_REGISTRY))}){hint}"
        ) from None
