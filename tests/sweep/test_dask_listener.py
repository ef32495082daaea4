"""A Dask scheduler address where something else listens is a clear error within seconds."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest

from sim.cli import main
from sim.sweep.executors import HANDSHAKE_TIMEOUT

pytest.importorskip("distributed")

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


def _silent_listener() -> tuple[socket.socket, int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)  # accepted, never answered

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # the refused handshake would be logged to the test run's stderr


def _web_server() -> tuple[http.server.ThreadingHTTPServer, int]:
    # threaded: a handler stuck on the client's binary handshake must not block shutdown()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.mark.parametrize("kind", ["silent", "http"])
def test_a_listener_that_is_not_dask_fails_fast(tmp_path, capsys, kind):
    server, port = _silent_listener() if kind == "silent" else _web_server()
    sweep = tmp_path / "s.yaml"
    sweep.write_text(f"sweep: 1\nscenario: {TINY}\nruns_per_point: 2\ndesign: grid\n"
                     "parameters:\n  battlefield.stake: {values: [0, 0.1]}\noutputs: [partial]\n")
    t0 = time.perf_counter()
    try:
        code = main(["sweep", str(sweep), "--executor", "dask", "--scheduler",
                     f"tcp://127.0.0.1:{port}", "--out", str(tmp_path / "out")])
    finally:
        server.shutdown() if kind == "http" else server.close()
    assert code == 2
    assert time.perf_counter() - t0 < HANDSHAKE_TIMEOUT + 10
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
