"""The generated nginx configuration: nginx accepts it, and a cookie can only choose a known replica."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from deploy.nginx import COOKIE, nginx_config


def nginx_or_skip() -> str:
    if Path("/usr/sbin/nginx").exists():
        return "/usr/sbin/nginx"
    if os.environ.get("CI"):
        pytest.fail("CI must have Debian nginx at /usr/sbin/nginx (.ci/run installs it)")
    pytest.skip("Debian nginx is not installed")


@pytest.mark.parametrize("replicas", [1, 3])
def test_nginx_accepts_the_configuration_as_an_ordinary_user(tmp_path, replicas):
    binary = nginx_or_skip()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / sub).mkdir(parents=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(18500, [18601 + i for i in range(replicas)], tmp_path))
    done = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_a_cookie_chooses_among_the_replicas_only():
    text = nginx_config(8501, [8601, 8602], Path("/tmp/run"))
    by_cookie = re.search(
        r"map \$cookie_" + COOKIE + r" \$lagesbild_upstream \{(.*?)\}", text, re.S
    )
    entries = [line.split() for line in by_cookie.group(1).strip().splitlines()]
    assert entries == [
        ["default", "lagesbild_new;"],
        ["r1", "lagesbild_r1;"],
        ["r2", "lagesbild_r2;"],
    ]
    # Every upstream group holds only the replicas' loopback addresses.
    servers = set(re.findall(r"server (\S+) ", text))
    assert servers == {"127.0.0.1:8601", "127.0.0.1:8602"}
    # Each replica's group tries the other when it is down.
    r1 = re.search(r"upstream lagesbild_r1 \{(.*?)\}", text, re.S).group(1)
    assert "127.0.0.1:8601 max_fails=1 fail_timeout=10s;" in r1
    assert "127.0.0.1:8602 max_fails=1 fail_timeout=10s backup;" in r1
    assert "listen 127.0.0.1:8501;" in text


def test_local_mode_gets_no_forwarded_headers_and_production_does():
    local = nginx_config(8501, [8601], Path("/tmp/run"), forwarded_headers=False)
    proxied = nginx_config(8501, [8601], Path("/tmp/run"), secure_cookie=True)
    assert "proxy_set_header X-Forwarded-For" not in local
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxied
    assert "SameSite=Lax; Secure" in proxied and "Secure" not in local


@pytest.mark.parametrize("bad", ["/tmp/a b", "/tmp/a;b", '/tmp/a"b', "/tmp/$x", "/tmp/a{b"])
def test_a_run_directory_that_cannot_go_into_the_file_is_refused(bad):
    with pytest.raises(ValueError):
        nginx_config(8501, [8601], Path(bad))


def test_no_replicas_is_refused():
    with pytest.raises(ValueError):
        nginx_config(8501, [], Path("/tmp/run"))
