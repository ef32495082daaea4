"""Imported by the fork server of a compiled run: the compiled engine, loaded once for all workers.

Each worker of ``--jobs N --engine compiled`` would otherwise import numba and load the kernels
from the cache itself (0.3-0.5 s of CPU each, measured on 2 loaded cores) before its first
chunk; the fork server loads them once and every worker forked from it starts with them. Only
from a warm cache: a cold one is compiled by the main process (:func:`sim.engine.compiled.prepare`),
not by the fork server at the same time. Nothing here may stop the fork server: whatever goes
wrong, the workers load the engine themselves as before.
"""

from __future__ import annotations


def _warm() -> None:
    try:
        from sim.engine import compiled

        if not compiled.available():
            return
        info = compiled.cache_info()
        if info.folder is None or not info.warm or not any(info.folder.rglob("fused.play-*.nbi")):
            return
        compiled.load()
        from sim.engine.compiled import engine, fused  # noqa: F401 - the fused round's module
    except Exception:  # noqa: BLE001, S110 - the workers load the engine themselves then
        pass


_warm()
