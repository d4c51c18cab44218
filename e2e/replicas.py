"""Replicas of the course behind HAProxy (deploy/haproxy.cfg) on loopback, for the tests and the classroom bench."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from e2e.browser import ROOT, ServerURL, _free_port, streamlit_server, wait_until_healthy

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
HAPROXY = shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None)
# One line per request: "client backend/server status "request" "{captured user agent}"" (the config's log-format).
LOG_LINE = re.compile(r'^\S+ \S+/(?P<server>\S+) \S+ "(?P<request>[^"]*)" "\{(?P<agent>[^}]*)\}"')


def require_haproxy() -> None:
    if HAPROXY:
        return
    if os.environ.get("CI"):
        pytest.fail("HAProxy is missing in CI: .ci/run must install Debian's haproxy package.")
    pytest.skip("Debian's haproxy is not installed here (apt-get install haproxy); CI installs it.")


@dataclass
class Cluster:
    url: str  # the balancer
    replicas: dict[str, ServerURL]  # HAProxy's server name (the SERVERID cookie's value) -> that replica
    log: Path
    _stack: ExitStack = field(repr=False, default_factory=ExitStack)

    def servers_by_agent(self) -> dict[str, set[str]]:
        """Which replicas served the requests of each browser (told apart by their user agent)."""
        served: dict[str, set[str]] = {}
        for line in self.log.read_text().splitlines():
            match = LOG_LINE.match(line)
            if match and match["server"] in self.replicas:
                served.setdefault(match["agent"], set()).add(match["server"])
        return served


@contextmanager
def replicas(count: int = 2, extra_env: dict | None = None):
    """`count` course servers sharing one cookie secret, and HAProxy in front of them with cookie affinity."""
    if count != 2:
        raise ValueError("deploy/haproxy.cfg names two replicas")
    require_haproxy()
    secret = secrets.token_hex(32)
    env = {**(extra_env or {}), "STREAMLIT_SERVER_COOKIE_SECRET": secret}
    with ExitStack() as stack:
        servers = {f"r{i}": stack.enter_context(streamlit_server(env)) for i in range(1, count + 1)}
        port = _free_port()
        log = ROOT / "artifacts" / f"haproxy-{port}.log"
        handle = stack.enter_context(open(log, "w"))
        balancer_env = {
            **os.environ,
            "COURSE_LB_BIND": f"127.0.0.1:{port}",
            **{f"COURSE_REPLICA_{name[1:]}": url.removeprefix("http://") for name, url in servers.items()},
        }
        process = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(HAPROXY_CONFIG)], env=balancer_env, stdout=handle, stderr=subprocess.STDOUT
        )
        stack.callback(_stop, process)
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process, f"haproxy did not start; see {log}", 30)
        yield Cluster(url, servers, log)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
