"""Several Streamlit replicas behind nginx on one host, started and stopped together (`manage.py serve`).

The replicas share one DuckDB file (each attaches it per operation; the file lock serialises the
writes) and one cookie secret; nginx (Debian's, run as the calling user with everything under a run
directory) keeps each browser on one replica (deploy/nginx.py).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deploy.launch import HOST, ROOT, free_port, start_streamlit, stop
from deploy.nginx import nginx_config

NGINX = "/usr/sbin/nginx"


class ServeError(RuntimeError):
    """The proxy or a replica could not be started."""


@dataclass
class Cluster:
    """A running proxy and its replicas; `stop()` ends them all."""

    url: str
    run_dir: Path
    config: Path
    nginx: subprocess.Popen
    replicas: list[subprocess.Popen] = field(default_factory=list)
    replica_urls: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        """The proxy's port."""
        return int(self.url.rsplit(":", 1)[1])

    @property
    def replica_logs(self) -> list[Path]:
        """Each replica's output, in replica order."""
        return [self.run_dir / f"replica-{i + 1}.log" for i in range(len(self.replicas))]

    def stop(self) -> None:
        """Stop nginx first (no new requests), then every replica at once (each is asked to
        stop before any is waited for, so N replicas take as long as the slowest, not N times
        as long); safe to call twice."""
        if self.nginx.poll() is None:
            stop(self.nginx)
        running = [proc for proc in self.replicas if proc.poll() is None]
        for proc in running:
            proc.terminate()
        for proc in running:
            stop(proc)  # already asked: waits for it (and kills it if it does not go)

    def stop_replica(self, index: int) -> None:
        """Stop one replica (as a crash would, for tests): the proxy sends its sessions elsewhere."""
        proc = self.replicas[index]
        proc.kill()
        proc.wait(timeout=10)

    def problems(self) -> list[str]:
        """What has exited that should not have (empty while everything runs)."""
        found = [] if self.nginx.poll() is None else [f"nginx exited ({self.nginx.returncode})"]
        found += [
            f"replica {i + 1} exited ({p.returncode})"
            for i, p in enumerate(self.replicas)
            if p.poll() is not None
        ]
        return found


def nginx_binary() -> str:
    """Debian's nginx (/usr/sbin/nginx, or `nginx` on PATH); ServeError if neither is there."""
    found = NGINX if Path(NGINX).exists() else shutil.which("nginx")
    if not found:
        raise ServeError("nginx finns inte (/usr/sbin/nginx): installera paketet nginx.")
    return found


def start_cluster(
    replicas: int,
    env: dict[str, str],
    run_dir: Path,
    *,
    port: int | None = None,
    script: Path = ROOT / "app.py",
    timeout: float = 120,
) -> Cluster:
    """Start `replicas` Streamlit processes on free loopback ports and nginx on HOST:`port`.

    `env` is what every replica gets (LAGESBILD_DB, LAGESBILD_MODE, STREAMLIT_SECRETS_FILES, ...);
    the replicas also share one random server.cookieSecret (Streamlit's XSRF cookie is signed with
    it, so an upload still passes on another replica after a failover). Local mode gets a proxy
    without X-Forwarded-* headers (it refuses proxied requests); it listens on loopback only.
    Returns once the proxy answers /_stcore/health; on any failure everything started is stopped.
    """
    if not 1 <= replicas <= 16:
        raise ServeError("antalet repliker ska vara 1–16")
    binary = nginx_binary()
    run_dir = Path(run_dir).resolve()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    shared = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32), **env}
    local = shared.get("LAGESBILD_MODE", os.environ.get("LAGESBILD_MODE", "")).lower() == "local"
    ports = [free_port() for _ in range(replicas)]
    started: list[subprocess.Popen] = []

    def start(i: int) -> subprocess.Popen:
        proc, _ = start_streamlit(
            script, shared, port=ports[i], log=run_dir / f"replica-{i + 1}.log", timeout=timeout
        )
        started.append(proc)
        return proc

    try:
        with ThreadPoolExecutor(max_workers=replicas) as pool:
            procs = list(pool.map(start, range(replicas)))
    except Exception as exc:
        for proc in started:
            stop(proc)
        raise ServeError(f"en replik startade inte: {exc}") from exc

    port = port or free_port()
    config = run_dir / "nginx.conf"
    config.write_text(
        nginx_config(port, ports, run_dir, listen_host=HOST, forwarded_headers=not local),
        encoding="utf-8",
    )
    error_log = run_dir / "error.log"
    with (run_dir / "nginx.out").open("wb") as out:
        nginx = subprocess.Popen(
            [binary, "-p", str(run_dir), "-c", str(config), "-e", str(error_log),
             "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    cluster = Cluster(
        url=f"http://{HOST}:{port}",
        run_dir=run_dir,
        config=config,
        nginx=nginx,
        replicas=procs,
        replica_urls=[f"http://{HOST}:{p}" for p in ports],
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(cluster.url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return cluster
        except OSError:
            pass
        if nginx.poll() is not None or time.monotonic() > deadline:
            cluster.stop()
            said = (run_dir / "nginx.out").read_text(errors="replace")
            said += error_log.read_text(errors="replace") if error_log.exists() else ""
            raise ServeError(f"nginx startade inte ({config}):\n{said[-2000:]}")
        time.sleep(0.2)
