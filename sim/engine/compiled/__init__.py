"""The compiled engine: the whole round of the ``mediated`` protocol fused into numba kernels.

``--engine compiled`` runs a chunk of replications through :func:`sim.engine.compiled.fused.play`
(one replication per ``prange`` iteration, every phase of the round written out as loops;
driven by :mod:`sim.engine.compiled.engine`) where the scenario is one it covers: the
``mediated`` protocol with two parties, linear utilities (every ``risk`` 1), any mediator
method, any agenda mode, the shipped strategies and any runtime event key
(:func:`fused_reason` says why not, otherwise); it records the round-by-round trace too.
Other scenarios run the vector engine's phases
(:mod:`sim.engine.vector`) with two rules of :mod:`sim.rules.frontier` replaced by the
kernels of :mod:`sim.engine.compiled.kernels` (the exact two-party Nash text and the linear
logrolling restatement). Either way the run tables are bit-identical to the vector engine's
(``tests/engine/test_compiled.py``, ``tests/engine/test_fused.py``). numba is an optional extra
(``pip install -e ".[compiled]"``); without it ``--engine compiled`` stops with
:class:`CompiledUnavailable`.

Compiled code is cached (numba ``cache=True``, no fastmath) in ``NUMBA_CACHE_DIR`` if set,
else in ``$XDG_CACHE_HOME/ceasefire-sim/numba`` (``~/.cache/...``). If that folder cannot be
written, :func:`load` and :func:`prepare` say so; the rule kernels are then compiled in memory
in every process, and numba caches the fused round where it can (the package's
``__pycache__``) or compiles it in every process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.batch.kernels import Kernels
from sim.rules import frontier

COLD_COMPILE_SECONDS = 5
"""A cold compile of the rule kernels, announced: measured 2.4-10.3 s on 2 loaded cores."""

FUSED_COLD_SECONDS = 30
"""A cold compile of the fused round, announced: measured 22-34 s on 2 loaded cores."""


class CompiledUnavailable(RuntimeError):
    """``--engine compiled`` was asked for but numba is not installed."""


@dataclass(frozen=True)
class CacheInfo:
    """Where compiled code is cached, and whether it was there before this process."""

    folder: Path | None  # None: not writable, compiled in memory
    warm: bool  # compiled code for this version was found in the folder
    note: str  # a sentence for the user when something is worth saying


_LOADED: Kernels | None = None
_INFO: CacheInfo | None = None


def available() -> bool:
    """Whether numba can be imported."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def cache_folder() -> Path:
    """The folder compiled kernels are cached in (not created)."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ceasefire-sim" / "numba"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


def cache_info() -> CacheInfo:
    """Where the kernels are (or would be) cached and whether they are there already."""
    folder = cache_folder()
    if not _writable(folder):
        return CacheInfo(None, False, f"cannot write the compile cache {folder}; the engine "
                                      "is cached next to the package if that can be written, "
                                      "else compiled in every process (set NUMBA_CACHE_DIR)")
    warm = any(folder.rglob("kernels.two_party_nash-*.nbi")) and any(
        folder.rglob("kernels.logroll_linear-*.nbi"))
    return CacheInfo(folder, warm, "")


def load(announce: Any = None) -> Kernels:
    """Compile (or load from the cache) the kernels; return them as a :class:`Kernels`.

    Args:
        announce: called with one line of text before a cold compile (e.g. ``print``) and
            when the cache cannot be used.

    Raises:
        CompiledUnavailable: numba is not installed.
    """
    global _LOADED, _INFO
    if _LOADED is not None:
        return _LOADED
    if not available():
        raise CompiledUnavailable(
            "--engine compiled needs numba: pip install 'ceasefire-sim[compiled]' "
            "(or use --engine vector, the default)")
    info = cache_info()
    if info.folder is not None:
        os.environ.setdefault("NUMBA_CACHE_DIR", str(info.folder))
        import numba

        # numba read its configuration when `available` imported it
        setattr(numba.config, "CACHE_DIR", os.environ["NUMBA_CACHE_DIR"])  # noqa: B010
    if announce is not None:
        if info.note:
            announce(info.note)
        if not info.warm:
            announce(f"compiling the engine, once: ~{COLD_COMPILE_SECONDS} s")
    import numba

    from sim.engine.compiled import kernels as k

    cache = info.folder is not None
    jit = numba.njit(cache=cache, fastmath=False, nogil=True)
    f8, b1 = numba.float64, numba.boolean
    m2, v1 = f8[:, ::1], f8[::1]
    mb2, vb1 = b1[:, ::1], b1[::1]
    np_sum = jit(k.np_sum)
    stable_order = jit(k.stable_order)
    k_globals: dict[str, Any] = {"np_sum": np_sum, "stable_order": stable_order}
    # the two kernels call the compiled helpers through their module globals
    two = _compile(numba, k.two_party_nash, k_globals, cache,
                   (m2, m2, m2, m2, m2, m2, mb2, m2, m2, vb1))
    roll = _compile(numba, k.logroll_linear, k_globals, cache,
                    (m2, m2, m2, m2, v1, mb2, m2, m2))
    _LOADED = Kernels(two_party_nash=partial_two(two), logroll=partial_roll(roll),
                      name="compiled")
    _INFO = info
    return _LOADED


def _compile(numba: Any, fn: Any, helpers: dict[str, Any], cache: bool, sig: tuple) -> Any:
    """``fn`` compiled eagerly for ``sig`` with the compiled ``helpers`` in its globals."""
    fn.__globals__.update(helpers)
    return numba.njit(numba.void(*sig), cache=cache, fastmath=False, nogil=True)(fn)


def _f(x: np.ndarray) -> np.ndarray:
    return np.require(x, np.float64, ["C", "W"])


def _b(x: np.ndarray) -> np.ndarray:
    return np.require(x, np.bool_, ["C", "W"])


def partial_two(kernel: Any) -> Any:
    """The drop-in replacement of ``frontier._two_party_nash`` that calls ``kernel``."""

    def two_party_nash(ideal: np.ndarray, weights: np.ndarray, reservation: np.ndarray,
                       free: np.ndarray, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w0, w1 = weights[:, 0, :], weights[:, 1, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            logkey = np.log(w1) - np.log(w0)  # left to NumPy: see the kernels' docstring
        n_rep, _, n_iss = ideal.shape
        text = np.empty((n_rep, n_iss))
        has_range = np.empty(n_rep, np.bool_)
        kernel(_f(logkey), _f(ideal[:, 0, :]), _f(ideal[:, 1, :]), _f(w0), _f(w1),
               _f(reservation), _b(free), _f(fixed), text, has_range)
        return text, has_range

    return two_party_nash


def partial_roll(kernel: Any) -> Any:
    """The drop-in replacement of :func:`sim.rules.frontier.logroll` that calls ``kernel``.

    Where some risk exponent is not 1 it calls the rule itself (only the linear case is
    compiled).
    """

    def logroll(own_ideal: np.ndarray, other_ideal: np.ndarray, w_own: np.ndarray,
                w_other: np.ndarray, level: np.ndarray, movable: np.ndarray, base: np.ndarray,
                rho: np.ndarray | float = 1.0) -> np.ndarray:
        if not np.all(np.asarray(rho) == 1.0):
            return frontier.logroll(own_ideal, other_ideal, w_own, w_other, level, movable,
                                    base, rho)
        own = _f(own_ideal)
        out = np.empty(own.shape)
        kernel(own, _f(other_ideal), _f(w_own), _f(w_other), _f(level), _b(movable),
               _f(base), out)
        return out

    return logroll


def last_cache_info() -> CacheInfo | None:
    """The cache state found by the last :func:`load` of this process (None before it)."""
    return _INFO


_FUSED_READY = False


def fused_reason(p: Any) -> str | None:
    """Why the fused kernel does not run parameters ``p`` (None: it does).

    Needs numba (imports :mod:`sim.engine.compiled.engine`); see
    :func:`sim.engine.compiled.engine.unsupported`.
    """
    from sim.engine.compiled.engine import unsupported

    return unsupported(p)


def prepare(scenario: Any, seed: int, announce: Any = None) -> str | None:
    """Load the kernels and compile (or load from the cache) the fused round for ``scenario``.

    Returns None when the scenario runs on the fused kernel, else the reason it runs on the
    vector engine's phases with the rule kernels (told to ``announce`` too). A cold compile of
    the fused round is announced first ("compiling the engine, once: ~N s").

    Raises:
        CompiledUnavailable: numba is not installed.
    """
    global _FUSED_READY
    load()
    from sim.engine.runner import replication_inputs

    _, dr, p = replication_inputs(scenario, seed, 0, 1, row_drawer())
    reason = fused_reason(p)
    if reason is not None:
        if announce is not None:
            announce(f"compiled engine: {scenario.name} runs on the vector engine's phases "
                     f"(with compiled rules) because of {reason}")
        return reason
    if not _FUSED_READY:
        info = cache_info()
        warm = info.folder is not None and any(info.folder.rglob("fused.play-*.nbi"))
        if announce is not None:
            if info.note:
                announce(info.note)
            if not warm:
                announce(f"compiling the engine, once: ~{FUSED_COLD_SECONDS} s")
        from sim.engine.compiled.engine import run_fused

        run_fused(p, dr)  # one replication: compiles, or loads the cache
        _FUSED_READY = True
    return None


def run_fused(p: Any, dr: Any, trace: Any = None) -> Any:
    """The final :class:`~sim.batch.state.State` of ``p``'s replications on the fused kernel.

    ``trace``: an empty :class:`~sim.batch.trace.Trace` of the chunk to record the sessions in.
    """
    from sim.engine.compiled.engine import run_fused as run

    return run(p, dr, trace=trace)


def row_drawer() -> Any:
    """The compiled drawer of one replication's numbers (``sim.batch.draws.RowDrawer``)."""
    load()
    from sim.engine.compiled import fused

    return fused.draw_row
