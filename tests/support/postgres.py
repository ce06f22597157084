"""A throwaway PostgreSQL cluster (issue 14, part 3), and the fixtures that hand it to tests.

tests/conftest.py imports the fixtures `postgres` and `pg_url`, so every test can ask for them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


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
