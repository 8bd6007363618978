"""A real Matrix homeserver for the tests: Synapse from PyPI, on 127.0.0.1 with SQLite and
rate limits raised; users registered through its shared-secret admin API."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.live import free_port
from tests.waiting import wait_for

SERVER = "localhost"
SECRET = "test-registration-secret"
FAST = {"per_second": 10_000, "burst_count": 10_000}
CONFIG = """\
server_name: "{server}"
pid_file: {home}/homeserver.pid
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    resources: [{{names: [client], compress: false}}]
database: {{name: sqlite3, args: {{database: {home}/homeserver.db}}}}
media_store_path: {home}/media
signing_key_path: {home}/signing.key
log_config: {home}/log.yaml
registration_shared_secret: "{secret}"
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
rc_message: {fast}
rc_login: {{address: {fast}, account: {fast}, failed_attempts: {fast}}}
rc_joins: {{local: {fast}, remote: {fast}}}
rc_invites: {{per_room: {fast}, per_user: {fast}, per_issuer: {fast}}}
rc_room_creation: {fast}
rc_registration: {fast}
rc_key_requests: {fast}
"""
LOGGING = """\
version: 1
formatters: {{precise: {{format: "%(asctime)s %(name)s %(levelname)s %(message)s"}}}}
handlers:
  file: {{class: logging.FileHandler, formatter: precise, filename: {home}/homeserver.log}}
root: {{level: WARNING, handlers: [file]}}
disable_existing_loggers: false
"""


@dataclass
class Synapse:
    home: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    users: dict[str, str] = field(default_factory=dict)  # user id -> password

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Synapse:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "synapse.app.homeserver",
                "-c",
                str(self.home / "homeserver.yaml"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(self.home / "stderr.log").open("wb"),
        )
        wait_for(self.healthy, timeout=60, what="Synapse to answer")
        return self

    def healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError((self.home / "stderr.log").read_text())
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def register(self, name: str) -> str:
        """A new user (`@name:localhost`), through the shared-secret admin API."""
        password = f"pw-{name}"
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        nonce = httpx.get(endpoint, timeout=10).json()["nonce"]
        mac = hmac.new(SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), name.encode(), password.encode(), b"notadmin"]))
        body = {"nonce": nonce, "username": name, "password": password, "mac": mac.hexdigest()}
        answer = httpx.post(endpoint, json=body, timeout=10)
        assert answer.status_code == 200, answer.text
        user_id = str(answer.json()["user_id"])
        self.users[user_id] = password
        return user_id


def new_synapse(home: Path) -> Synapse:
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    fast = json.dumps(FAST)
    values = {"server": SERVER, "home": home, "port": port, "secret": SECRET, "fast": fast}
    (home / "homeserver.yaml").write_text(CONFIG.format(**values), encoding="utf-8")
    (home / "log.yaml").write_text(LOGGING.format(home=home), encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "synapse.app.homeserver",
            "-c",
            str(home / "homeserver.yaml"),
            "--generate-keys",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return Synapse(home, port)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    """One homeserver for the whole run, started and stopped by the tests."""
    pytest.importorskip(
        "synapse", reason="matrix-synapse is a test dependency: pip install -e '.[test]'"
    )
    server = new_synapse(tmp_path_factory.mktemp("synapse")).start()
    yield server
    server.stop()
