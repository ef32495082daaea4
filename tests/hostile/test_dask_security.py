"""The local Dask cluster takes connections only from clients holding its temporary certificates."""

from __future__ import annotations

import pytest

pytest.importorskip("distributed")
pytest.importorskip("cryptography")

from distributed import Client  # noqa: E402
from distributed.security import Security  # noqa: E402

from sim.sweep.executors import open_executor  # noqa: E402


def test_the_local_cluster_refuses_plain_and_foreign_clients():
    with open_executor("dask", 1) as pool:
        address = pool.info["address"]
        assert address.startswith("tls://127.0.0.1:")
        assert pool.executor.submit(sum, [1, 2]).result(timeout=30) == 3  # its own client works
        for attempt in (
            lambda: Client(address.replace("tls://", "tcp://"), timeout=3),  # no TLS at all
            lambda: Client(address, timeout=3),  # TLS without certificates
            lambda: Client(address, security=Security.temporary(), timeout=3),  # other certs
        ):
            with pytest.raises((OSError, TypeError, ValueError)):
                attempt().close()
