"""One running dashboard server for the tests: entry, environment, free port, health wait, teardown."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tests.support import ROOT
from tests.support.installation import child_env, cli, installation
from tracker.server import free_port, wait_until_healthy

# The two ways the dashboard is served: the production entry (what `make run` starts: app.py with the
# sign-in routes) and a plain `streamlit run dashboard.py`.
ENTRIES = {
    "tracker.server": [sys.executable, "-m", "tracker.server"],
    "dashboard.py": [sys.executable, "-m", "streamlit", "run", "dashboard.py"],
}


@dataclass
class RunningServer:
    url: str
    proc: subprocess.Popen
    log: Path

    @property
    def stream_url(self) -> str:
        """Streamlit's websocket, which bench/streamlit_client.view speaks."""
        return self.url.replace("http://", "ws://", 1) + "/_stcore/stream"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def running_server(entry: str, env: dict[str, str], *, log: Path | None = None,
                   timeout: float = 120) -> Iterator[RunningServer]:
    """The dashboard served by `entry` (a key of ENTRIES) on a free port of 127.0.0.1 over the installation
    `env` names; yielded once its health check answers, stopped on leaving. Its output goes to `log`."""
    log = log or Path(tempfile.mkdtemp(prefix="nq45-server-")) / "server.log"
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*ENTRIES[entry], "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=child_env(env), stdout=out, stderr=subprocess.STDOUT)
        server = RunningServer(f"http://127.0.0.1:{port}", proc, log)
        try:
            if not wait_until_healthy(server.url, proc, timeout=timeout):
                raise RuntimeError(f"{entry} did not start: " + server.log_text()[-2000:])
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def served_demo(base: Path, accounts=(), extra_env: dict | None = None, entry: str = "tracker.server",
                timeout: float = 60) -> Iterator[dict]:
    """A demo installation under `base` (with `extra_env` on top), seeded by the real first-run command, with
    `accounts` ((name, role, password, units) each) added, served by `entry`: {"url", TRACKER_*...}."""
    from tracker.accounts.users import UserStore

    seeded = {**installation(base), **(extra_env or {})}
    done = cli(seeded, "seed", "--if-empty")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mật khẩu / password:" in done.stdout   # the first admin's password is printed once
    users = UserStore(seeded["TRACKER_USERS"])
    for name, role, password, units in accounts:
        users.add_user(name, role, password, units=units)
    with running_server(entry, seeded, log=base / "server.log", timeout=timeout) as running:
        yield {"url": running.url, **seeded}
