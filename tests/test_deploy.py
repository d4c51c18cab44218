"""deploy/: the container runs the README's own commands, and the balancer and Kubernetes files keep each learner on
one replica (cookie affinity), check health where Streamlit answers it, and give every replica one cookie secret.
(No Docker daemon here: the image itself is not built; tests/test_e2e_replicas.py runs the HAProxy config for real.)"""

import json
import os
import re
import subprocess

import pytest

from e2e.replicas import HAPROXY
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def readme_command(heading: str) -> list[str]:
    """The commands of the README's code block under `heading`, split at '&&'."""
    text = (ROOT / "README.md").read_text()
    block = re.search(rf"## {heading}\s+```bash\n(.*?)```", text, re.S)
    assert block, f"README has no '## {heading}' code block"
    return [part.strip() for part in block[1].strip().split("&&")]


def dockerfile_commands() -> tuple[list[str], str]:
    lines = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    runs = [line.removeprefix("RUN ").strip() for line in lines if line.startswith("RUN ")]
    cmd = next(line.removeprefix("CMD ") for line in lines if line.startswith("CMD "))
    return runs, " ".join(json.loads(cmd))


def test_the_image_installs_and_runs_the_app_with_the_readmes_commands():
    install, run = readme_command("Run it")
    runs, cmd = dockerfile_commands()
    assert install in runs
    assert cmd.startswith(run + " ")
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.12-slim", dockerfile, re.M)  # TensorFlow 2.21 has wheels for 3.10-3.13
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.M)  # not root
    assert "HEALTHCHECK" in dockerfile and "/_stcore/health" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored  # the image gets the app, not a local environment


def test_the_balancer_is_sticky_by_cookie_checks_health_and_redispatches():
    config = (DEPLOY / "haproxy.cfg").read_text()
    assert re.search(r"^\s*cookie SERVERID insert indirect nocache", config, re.M)
    assert "option httpchk GET /_stcore/health" in config and "option redispatch" in config
    assert re.search(r"^\s*timeout tunnel", config, re.M)  # websockets live for a whole visit
    servers = re.findall(r"^\s*server (\S+) \S+ cookie (\S+)", config, re.M)
    assert len(servers) >= 2 and all(name == cookie for name, cookie in servers)


@pytest.mark.skipif(not HAPROXY, reason="Debian's haproxy is not installed here; CI installs it")
def test_haproxy_accepts_the_config():
    env = {**os.environ, "COURSE_LB_BIND": "127.0.0.1:8080", "COURSE_REPLICA_1": "127.0.0.1:1"}
    env["COURSE_REPLICA_2"] = "127.0.0.1:2"
    result = subprocess.run([HAPROXY, "-c", "-f", str(DEPLOY / "haproxy.cfg")], env=env, capture_output=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_replica_gets_one_cookie_secret_and_a_health_probe():
    compose = (DEPLOY / "compose.yaml").read_text()
    assert "STREAMLIT_SERVER_COOKIE_SECRET: ${COURSE_COOKIE_SECRET:?" in compose  # refused without one
    assert re.search(r"replica1: \*replica", compose) and re.search(r"replica2: \*replica", compose)
    kubernetes = (DEPLOY / "kubernetes.yaml").read_text()
    for needed in (
        "kind: Deployment",
        "kind: Service",
        "kind: Ingress",
        'nginx.ingress.kubernetes.io/affinity: "cookie"',
        "name: STREAMLIT_SERVER_COOKIE_SECRET",
        "secretKeyRef",
        "path: /_stcore/health",
        "runAsNonRoot: true",
    ):
        assert needed in kubernetes, needed
