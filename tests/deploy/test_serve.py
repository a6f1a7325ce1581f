"""`manage.py serve`: nginx and two replicas on loopback, stopped cleanly by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request

import pytest

from deploy.launch import ROOT, free_port
from tests.deploy.test_nginx import nginx_or_skip

pytestmark = pytest.mark.slow


def test_serve_starts_proxy_and_replicas_and_ctrl_c_stops_them(demo_copy, tmp_path):
    nginx_or_skip()
    port, run_dir = free_port(), tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--db", str(demo_copy("serve")), "--replicas", "2",
         "--port", str(port), "--run-dir", str(run_dir)],
        cwd=ROOT,
        env={**env, "LAGESBILD_MODE": "local"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        ready = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}" in ready, proc.stderr.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
            assert r.status == 200
            assert "lagesbild_replica=r" in r.headers["Set-Cookie"]
        logs = sorted(p.name for p in run_dir.glob("replica-*.log"))
        assert logs == ["replica-1.log", "replica-2.log"]
        pid = int((run_dir / "nginx.pid").read_text())
        proc.send_signal(signal.SIGINT)
        # stop() waits at most 30 s for nginx and 30 s for the replicas (stopped together)
        assert proc.wait(timeout=90) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Stoppade nginx och replikerna." in proc.stderr.read()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
