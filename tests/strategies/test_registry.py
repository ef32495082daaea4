"""Tests for sim.strategies.registry (STYLE habit 2: unique names, explicit registration)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
import textwrap

import pytest

import sim.strategies as strategies
from sim.strategies import Strategy, registry
from sim.strategies.time_dependent import TimeDependent

# the built-in strategies; scenario files refer to them by these names
DESIGN_NAMES = {"boulware", "linear", "conceder", "tit_for_tat", "hardliner", "zeuthen"}


@pytest.fixture
def scratch_registry(monkeypatch):
    """A private copy of the registry, so registering in a test leaves no trace."""
    strategies.names()  # load the built-ins first
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    return registry._REGISTRY


def strategy_modules():
    """Every module of the sim.strategies package, found on disk and imported."""
    for info in pkgutil.walk_packages(strategies.__path__, prefix=f"{strategies.__name__}."):
        yield importlib.import_module(info.name)


def named_strategy_classes() -> dict[str, type[Strategy]]:
    """Every Strategy subclass with a name defined in a sim.strategies module, by dotted path."""
    found = {}
    for module in strategy_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Strategy) and cls.__module__ == module.__name__ and cls.name:
                found[f"{module.__name__}.{cls.__qualname__}"] = cls
    return found


def test_design_names_are_registered():
    assert DESIGN_NAMES <= set(strategies.names())


def test_names_are_unique_and_sorted():
    names = strategies.names()
    assert len(names) == len(set(names))
    assert names == sorted(names)


def test_every_named_class_is_registered_under_its_name():
    classes = named_strategy_classes()
    assert DESIGN_NAMES <= {cls.name for cls in classes.values()}, "the walk missed built-ins"
    for path, cls in classes.items():
        assert cls.name in strategies.names(), f"{path} ({cls.name!r}) is not registered"
        assert strategies.get(cls.name) is cls, f"{cls.name!r} is registered to another class"
    for name in strategies.names():
        assert strategies.get(name).name == name
    # each registered class has its own name, not an inherited one
    assert len({strategies.get(n) for n in strategies.names()}) == len(strategies.names())


def test_the_registry_loads_every_strategy_module_by_itself():
    """In a fresh interpreter, names() alone must know every named class a walk finds.

    Importing the modules registers their classes, so in this process the check above cannot
    tell a module the registry loads from one only the walk imported.
    """
    code = textwrap.dedent("""
        import importlib, inspect, json, pkgutil
        import sim.strategies as s
        known = s.names()
        walked = set()
        for info in pkgutil.walk_packages(s.__path__, prefix="sim.strategies."):
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if (issubclass(cls, s.Strategy) and cls.__module__ == module.__name__
                        and cls.name):
                    walked.add(cls.name)
        print(json.dumps({"known": known, "walked": sorted(walked)}))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    seen = json.loads(done.stdout)
    assert set(seen["walked"]) <= set(seen["known"]), "strategies the registry does not load"
    assert DESIGN_NAMES <= set(seen["walked"])


def test_abstract_family_has_no_name():
    assert TimeDependent.name == ""
    assert TimeDependent not in {strategies.get(n) for n in strategies.names()}


def test_duplicate_name_is_refused(scratch_registry):
    before = dict(scratch_registry)

    class Impostor(Strategy):
        name = "boulware"

    with pytest.raises(ValueError, match="'boulware'.*already registered"):
        strategies.register(Impostor)
    assert scratch_registry == before
    assert strategies.get("boulware") is not Impostor


def test_registering_the_same_class_twice_is_harmless(scratch_registry):
    cls = strategies.get("linear")
    assert strategies.register(cls) is cls
    assert strategies.get("linear") is cls


def test_empty_name_is_refused(scratch_registry):
    class Nameless(Strategy):
        pass

    with pytest.raises(ValueError, match="Nameless"):
        strategies.register(Nameless)


def test_a_new_strategy_joins_by_decorator(scratch_registry):
    @strategies.register
    class Stubborn(Strategy):
        name = "stubborn_test_only"
        defaults = {"floor": 0.5}
        bounds = {"floor": (0.0, 1.0)}

        def target(self, ctx):
            return ctx.previous

    assert "stubborn_test_only" in strategies.names()
    built = strategies.build("stubborn_test_only", floor=0.7)
    assert isinstance(built, Stubborn) and built.params == {"floor": 0.7}
    with pytest.raises(ValueError, match="floor"):
        strategies.build("stubborn_test_only", floor=2.0)


def test_the_scratch_registry_left_no_trace():
    assert "stubborn_test_only" not in strategies.names()


def test_unknown_name_suggests_the_closest():
    with pytest.raises(KeyError, match=re.escape("did you mean 'boulware'?")):
        strategies.get("boulwar")
    with pytest.raises(KeyError, match=re.escape("did you mean 'tit_for_tat'?")):
        strategies.build("tit-for-tat")


def test_unknown_name_lists_the_known_ones_without_a_wild_guess():
    with pytest.raises(KeyError) as info:
        strategies.get("qqqqqq")
    message = str(info.value)
    assert "'qqqqqq'" in message
    assert "did you mean" not in message
    for name in DESIGN_NAMES:
        assert name in message


def test_build_passes_parameters():
    s = strategies.build("boulware", beta=0.5)
    assert s.params == {"beta": 0.5, "kappa": 0.0}
    assert strategies.build("zeuthen", step=0.05).params == {"step": 0.05}


def test_build_refuses_bad_parameters_by_name():
    with pytest.raises(ValueError, match="'gamma'"):
        strategies.build("conceder", gamma=1.0)
    with pytest.raises(ValueError, match="beta"):
        strategies.build("conceder", beta=0.5)
