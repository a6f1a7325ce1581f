"""A Streamlit app on loopback, started and stopped: the replicas of `manage.py serve`, the
benchmarks and the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_streamlit(
    script: Path,
    env: Mapping[str, str],
    *,
    port: int | None = None,
    log: Path | None = None,
    timeout: float = 90,
) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` on loopback (a free port unless given), from the checkout, so its
    .streamlit/config.toml applies; returns (process, base URL) once /_stcore/health answers.

    The caller's STREAMLIT_* variables are not passed on, only those in `env`, so a setting of
    the shell cannot change what is measured or tested. Output goes to `log` (a temporary file if
    none is given, never a pipe that could fill up); a failed start says what the app printed.
    """
    port = port or free_port()
    if log is None:
        log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", HOST,
             "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT,
            env={**inherited, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop(proc)
    printed = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    raise RuntimeError(f"streamlit did not start ({script}; log {log}):\n{printed}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
