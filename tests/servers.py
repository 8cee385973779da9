"""Real servers on 127.0.0.1, started and stopped: a `chroma run` process (scale-out tests), `rag serve` (API tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ui.local import free_port


def wait_until_up(proc: subprocess.Popen, health_url: str, what: str, timeout_s: float = 60,
                  headers: dict[str, str] | None = None) -> None:
    """Poll ``health_url`` until it answers 200; fail when the process exits or time runs out."""
    import httpx

    deadline = time.time() + timeout_s
    while True:
        try:
            if httpx.get(health_url, timeout=2, headers=headers).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"{what} did not start ({health_url})")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextmanager
def rag_serve(home: Path, log: Path | None = None, host: str = "127.0.0.1", **env: str):
    """`rag serve` (fake models) on a free port of ``host``; yields its base URL on loopback. ``log``:
    where its stderr goes (else nowhere)."""
    port = free_port()
    full = {**os.environ, "RAG_HOME": str(home), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake", **env}
    token = full.get("RAG_API_TOKEN")
    with open(log or os.devnull, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--host", host, "--port", str(port)], env=full,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/openapi.json", "rag serve", timeout_s=120,
                      headers={"authorization": f"Bearer {token}"} if token else None)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@contextmanager
def chroma_server(path: Path):
    port = free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{url}/api/v2/heartbeat", "chroma run")
        yield url
    finally:
        stop(proc)
