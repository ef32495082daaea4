"""Provenance of a result: the versions of the packages that shape its numbers."""

from __future__ import annotations

import platform
from importlib import metadata

import sim

KEY_PACKAGES = ("numpy", "pandas", "pyarrow", "mesa", "pydantic", "matplotlib", "pyyaml", "scipy")


def package_versions() -> dict[str, str]:
    """Versions of Python, ceasefire-sim and the packages that shape the numbers."""
    out = {"python": platform.python_version(), "ceasefire-sim": sim.__version__}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
