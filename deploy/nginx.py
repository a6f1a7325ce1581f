"""The nginx configuration that puts sticky sessions in front of several Streamlit replicas.

Pure text: no processes, no files (deploy/serve.py writes and runs it).

A Streamlit session is a websocket bound to one process, and the file uploader and `st.login` also
send plain HTTP requests that only that process knows about (the session's upload endpoint, the
OIDC state). So every request of a browser must reach the same replica:

- A browser without the cookie `lagesbild_replica` is a new session: it goes to the replica with
  the fewest open connections (`least_conn`: a session is one long-lived websocket, so this
  balances sessions, not requests).
- Every answer that came from a replica other than the one the cookie names sets the cookie to the
  replica that answered; from then on the browser's requests go there.
- If that replica does not answer, the others are tried in turn (`backup` servers of its group) and
  the cookie moves with the session to the one that answered, so it stays there when the first
  comes back. A replica that refused a connection is left out for `FAIL_TIMEOUT`.

The cookie holds only a replica's name (`r1`, `r2`, ...), mapped to a fixed upstream group: a
cookie cannot point the proxy anywhere else. (nginx's `hash $cookie_… consistent` would also be
sticky, but it spreads sessions by chance and sends a session back to its first replica when that
replica returns, where the session is unknown.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

COOKIE = "lagesbild_replica"
FAIL_TIMEOUT = "10s"
# Streamlit's server.maxUploadSize is 200 MB (.streamlit/config.toml); the proxy must not be lower.
MAX_BODY = "200m"


def replica_name(index: int) -> str:
    """The cookie's value for the replica at `index` (0-based): r1, r2, ..."""
    return f"r{index + 1}"


def nginx_config(
    listen_port: int,
    replica_ports: Sequence[int],
    run_dir: Path,
    *,
    listen_host: str = "127.0.0.1",
    replica_host: str = "127.0.0.1",
    forwarded_headers: bool = True,
    secure_cookie: bool = False,
) -> str:
    """nginx.conf text: listen on listen_host:listen_port, proxy to the replicas with sticky sessions.

    Everything nginx writes (pid, logs, temporary bodies) goes under `run_dir`, so it runs as an
    ordinary user (`nginx -p run_dir -c run_dir/nginx.conf -e run_dir/error.log`).
    `forwarded_headers` adds X-Forwarded-For/-Proto (a production proxy); without them, local mode
    (no sign-in) accepts requests through this proxy, which is only safe while it listens on
    loopback. `secure_cookie` marks the affinity cookie Secure (behind TLS).
    """
    if not replica_ports:
        raise ValueError("at least one replica")
    run = str(Path(run_dir).resolve())
    if re.search(r'[\s;{}"\'$\\]', run):
        raise ValueError(f"the run directory's path cannot go into nginx.conf as is: {run!r}")
    servers = [f"{replica_host}:{port}" for port in replica_ports]
    names = [replica_name(i) for i in range(len(servers))]

    def group(primary: int) -> str:
        lines = [f"        server {servers[primary]} max_fails=1 fail_timeout={FAIL_TIMEOUT};"]
        lines += [
            f"        server {s} max_fails=1 fail_timeout={FAIL_TIMEOUT} backup;"
            for i, s in enumerate(servers)
            if i != primary
        ]
        return f"    upstream lagesbild_{names[primary]} {{\n" + "\n".join(lines) + "\n    }"

    new_sessions = "\n".join(
        f"        server {s} max_fails=1 fail_timeout={FAIL_TIMEOUT};" for s in servers
    )
    by_cookie = "\n".join(f"        {n} lagesbild_{n};" for n in names)
    served = "\n".join(
        f"        ~{re.escape(s)}$ {n};" for s, n in zip(servers, names, strict=True)
    )
    cookie = f"{COOKIE}=$lagesbild_served; Path=/; HttpOnly; SameSite=Lax" + (
        "; Secure" if secure_cookie else ""
    )
    forwarded = (
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "        proxy_set_header X-Forwarded-Proto $scheme;\n"
        if forwarded_headers
        else "        # No X-Forwarded-* headers: local mode (no sign-in) refuses proxied requests.\n"
    )
    groups = "\n\n".join(group(i) for i in range(len(servers)))
    return f"""\
# Written by `python manage.py serve` (deploy/nginx.py): nginx in front of {len(servers)} Lägesbild
# replicas with cookie-based sticky sessions. See docs/operations.md, "Flera repliker".
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    access_log {run}/access.log;
    client_body_temp_path {run}/tmp/body;
    proxy_temp_path {run}/tmp/proxy;
    fastcgi_temp_path {run}/tmp/fastcgi;
    uwsgi_temp_path {run}/tmp/uwsgi;
    scgi_temp_path {run}/tmp/scgi;
    server_tokens off;

    # A new session (no cookie, or an unknown value): the replica with the fewest connections.
    upstream lagesbild_new {{
        least_conn;
{new_sessions}
    }}

    # A pinned session: its replica, or when that one is down, the others in turn.
{groups}

    map $cookie_{COOKIE} $lagesbild_upstream {{
        default lagesbild_new;
{by_cookie}
    }}

    # Which replica answered (the last address tried).
    map $upstream_addr $lagesbild_served {{
        default "";
{served}
    }}

    # Set the cookie when a replica answered and the cookie does not already name it.
    map "$cookie_{COOKIE}/$lagesbild_served" $lagesbild_set_cookie {{
        ~/$ "";
        ~^(r[0-9]+)/\\1$ "";
        default "{cookie}";
    }}

    map $http_upgrade $lagesbild_connection {{
        default upgrade;
        "" "";
    }}

    server {{
        listen {listen_host}:{listen_port};
        client_max_body_size {MAX_BODY};

        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $lagesbild_connection;
{forwarded}        # A session's websocket stays open while the person reads; uploads stream through.
        proxy_read_timeout 1d;
        proxy_send_timeout 1d;
        proxy_connect_timeout 5s;
        proxy_buffering off;
        proxy_request_buffering off;
        proxy_next_upstream error timeout;

        add_header Set-Cookie $lagesbild_set_cookie always;

        location / {{
            proxy_pass http://$lagesbild_upstream;
        }}
    }}
}}
"""
