"""``teleroster serve`` announces its address and serves the app (a real uvicorn process)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from scheduler.migrations import upgrade

# `teleroster` with just the db and serve command groups (serving needs no others).
SERVE = (
    "import sys, scheduler.cli.db, scheduler.cli.serve; from scheduler.cli import app; "
    "app(sys.argv[1:])"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_prints_the_address_and_answers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    upgrade(url)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        first_line = server.stdout.readline().strip()
        assert first_line == f"Teleroster is running at http://127.0.0.1:{port}/"

        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, "the server exited before answering"
                assert time.monotonic() < deadline, "the server did not answer within 20 s"
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert "Overview" in httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text
    finally:
        server.terminate()
        server.wait(timeout=10)
