"""Shared fixtures: a database seeded with the demo data through the real CLI, in a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The demo and the locks depend on "today"; tests pin it so that 2026-Q3 is the latest ended quarter
# and still open for upload (30 days after 30/9/2026).
TODAY = "2026-10-15"
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> dict[str, str]:
    """Environment of a seeded installation: demo database, users file, archive, pinned today."""
    from tracker.cli import main

    base = tmp_path_factory.mktemp("seeded")
    env = {
        "TRACKER_DB": str(base / "tracker.duckdb"),
        "TRACKER_USERS": str(base / "users.toml"),
        "TRACKER_TODAY": TODAY,
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        assert main(["seed", "--if-empty"]) == 0
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return env


@pytest.fixture
def seeded_env(seeded, monkeypatch) -> dict[str, str]:
    for k, v in seeded.items():
        monkeypatch.setenv(k, v)
    return seeded


@pytest.fixture
def empty_env(tmp_path, monkeypatch) -> dict[str, str]:
    env = {
        "TRACKER_DB": str(tmp_path / "empty.duckdb"),
        "TRACKER_USERS": str(tmp_path / "users.toml"),
        "TRACKER_TODAY": TODAY,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


# --- a throwaway PostgreSQL cluster (issue 14, part 3) ----------------------------------------------

class PostgresCluster:
    """One initdb'd cluster in a temp folder, reached over a Unix socket only; torn down at the end.

    initdb refuses to run as root, so as root it runs as the unprivileged `postgres` user (runuser),
    which owns the folder. Trust authentication on the socket: nothing but this machine reaches it.
    """

    def __init__(self, bindir: Path, *, durable: bool = False):
        import subprocess
        import tempfile

        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="nq45-pg-"))
        self.data, self.socket = self.base / "data", self.base / "socket"
        self.socket.mkdir()
        self._as = []
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            for path in (self.base, self.socket):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self.log = self.base / "server.log"
        run = lambda *argv: subprocess.run(self._as + list(argv), check=True, capture_output=True, text=True, timeout=120)
        run(str(bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "tracker", "-E", "UTF8",
            "--locale=C.UTF-8")
        # fsync off: a test cluster need not survive a power cut, and it makes commits far cheaper
        # (benchmarks ask for a durable one, as a real server is).
        speed = "" if durable else " -c fsync=off -c synchronous_commit=off"
        run(str(bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start", "-o",
            f"-k {self.socket} -c listen_addresses='' -c max_connections=200" + speed)
        self._run = run
        self._count = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://tracker@/{database}?host={self.socket}"

    def new_database(self, prefix: str = "t") -> str:
        """An empty database of its own; its URL."""
        import psycopg

        self._count += 1
        name = f"{prefix}_{os.getpid()}_{self._count}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        import shutil
        import subprocess

        subprocess.run(self._as + [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(self.base, ignore_errors=True)


def postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb (Debian's layout), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
                   if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres():
    """A running throwaway cluster, or the tests using it skip saying why."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/<version>/bin/initdb missing; "
                    "scripts/setup.sh test installs it with apt-get)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -r requirements.txt)")
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("no unprivileged 'postgres' user to run initdb as (Debian's postgresql package makes it)")
    cluster = PostgresCluster(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(postgres) -> str:
    """A new, empty database in the throwaway cluster."""
    return postgres.new_database()
