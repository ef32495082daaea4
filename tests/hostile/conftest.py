"""Fixtures of the hostile-input tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def linux_proc():
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux /proc")
