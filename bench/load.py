"""Load benchmark: N concurrent sessions (default N = 1, 10, 30) on real dashboard servers (the production
entry, tracker.server) on 127.0.0.1, at 1 000 000 observations.

Each session is a virtual visitor who loads pages VIEWS times in a row (a new websocket session per
load, as a browser's page load makes); all N start together. Without --mix every load is the overview;
with --mix a session loads the overview and then its province's page, VIEWS times (half the loads
each; session k's province is the k-th of PROVINCES units, so 30 sessions open 30 provinces). The
province pages are opened once before the rounds (what every viewer of a province shares is built at
its first view after the snapshot: tracker.present.unit_page; that warm-up's CPU is printed). --servers 2
starts two production servers sharing one PostgreSQL (the replica setup of the README; sessions are
given to them in turn, as a load balancer with sticky sessions does); without --db-url a throwaway
cluster is started for it and removed at the end (tests/support/postgres.py), and filled first. The
client is one asyncio loop that speaks Streamlit's websocket protocol (bench/streamlit_client.py) and
only parses the protobufs, so it leaves the two cores to the servers: its own CPU is printed too.
Bounded: each view has a timeout; the servers are stopped at the end.

One line per N, exactly:
load mix=<0|1> sessions=<N> servers=<S> p50_ms=<a> p95_ms=<b> failed=<f> rss_mb=<r> backend=<e>
followed on the same line by server_cpu_ms_per_view, the views done, the p95 of each page kind (mix),
the client's CPU per view and the machine's load average (1, 5, 15 min, as load_avg=a/b/c).
p50/p95 are over every view of the round (wall time from opening the websocket to "script finished");
failed counts views that timed out or showed an error; rss_mb is each server's resident memory after
the round (several joined by "+"); server_cpu_ms_per_view the servers' user+system CPU over the round
divided by its views.

Options: --sessions 1,10,30; --views 5; --mix; --servers 1; --db-url postgresql://… (passed to the
servers as TRACKER_DB; the database must already hold the data, or it is filled like a DuckDB file);
--py-spy FILE records the first server during the last round (py-spy's collapsed stacks, every thread);
BENCH_OBSERVATIONS; BENCH_DB keeps the filled DuckDB file between runs (render.py and load.py share it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


PROVINCES = 34   # the provinces after the 2025 reform: the units the sessions' province pages are drawn from


@dataclass
class Page:
    """One page a visitor loads: its kind ("overview" or "unit"), url_path, query and heading."""

    kind: str
    name: str = ""
    query: str = ""
    heading: str = "Tổng quan"


@dataclass
class Round:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"overview": [], "unit": []})
    errors: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[float]:
        return self.latencies["overview"] + self.latencies["unit"]


async def visitor(url: str, pages: list[Page], views: int, result: Round, timeout: float) -> None:
    from websockets.exceptions import WebSocketException

    from bench.streamlit_client import ViewError, view

    for _ in range(views):
        for page in pages:
            try:
                ms, _ = await view(url, query_string=page.query, page_name=page.name, timeout=timeout, expect=page.heading)
                result.latencies[page.kind].append(ms)
            except (ViewError, OSError, TimeoutError, WebSocketException) as exc:
                result.errors.append(f"{page.kind}: {type(exc).__name__}: {exc}")


async def round_of(urls: list[str], plans: list[list[Page]], views: int, timeout: float) -> Round:
    """Every session at once; session k on server k mod len(urls) (sticky, as a load balancer keeps a tab)."""
    result = Round()
    await asyncio.gather(*(visitor(urls[k % len(urls)], plan, views, result, timeout) for k, plan in enumerate(plans)))
    return result


def plans_for(sessions: int, mix: bool, cat) -> list[list[Page]]:
    """What each session loads in a row: the overview; with mix, then its province's page."""
    if not mix:
        return [[Page("overview")] for _ in range(sessions)]
    provinces = list(cat.jurisdictions)[:PROVINCES]
    return [[Page("overview"), Page("unit", "dia-phuong", f"unit={u}", f"Địa phương: {cat.name(u)}")]
            for u in (provinces[k % len(provinces)] for k in range(sessions))]


@contextlib.contextmanager
def database(db_url: str | None, servers: int):
    """The database the servers share: the one given, a throwaway PostgreSQL cluster for several
    servers (removed at the end), else None (a DuckDB file, as render.py fills)."""
    if db_url or servers == 1:
        yield db_url
        return
    from tests.support.postgres import PostgresCluster, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        raise SystemExit("--servers 2 needs PostgreSQL (/usr/lib/postgresql/<version>/bin) or --db-url")
    cluster = PostgresCluster(bindir, durable=True)   # a real server's settings: fsync on
    try:
        yield cluster.new_database("bench_load")
    finally:
        cluster.stop()


def recording(server, out: str):
    """py-spy sampling ``server`` (all threads, 100 a second, without pausing it) into ``out`` until
    interrupted: where a view's server time goes under a crowd (Streamlit, our code, the websocket)."""
    import subprocess

    spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(server.proc.pid),
                            "--format", "raw", "--threads", "--nonblocking", "-r", "100", "-o", out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)   # attached before the round starts
    return spy


def main() -> None:
    from bench.render import PRODUCTION, backend_name, prepared
    from bench.streamlit_client import Server, load_average, percentile, view

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,10,30", help="comma-separated session counts (default 1,10,30)")
    parser.add_argument("--views", type=int, default=5, help="times each session loads its pages per round (default 5)")
    parser.add_argument("--mix", action="store_true", help="each session loads the overview and then its province's page")
    parser.add_argument("--servers", type=int, default=1, help="production servers sharing the database (default 1)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one view may take before it counts as failed")
    parser.add_argument("--db-url", help="a PostgreSQL URL (TRACKER_DB of the servers); default: a DuckDB file, "
                                         "or a throwaway PostgreSQL cluster with --servers 2 or more")
    parser.add_argument("--py-spy", metavar="FILE", help="record the first server with py-spy during the last round "
                                                         "(collapsed stacks, every thread) into FILE")
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",") if n.strip()]
    with database(args.db_url, args.servers) as db_url, prepared(db_url) as (env, n, cat, _):
        backend = backend_name(db_url)
        print(f"{n} observations, backend {backend}, {args.servers} server(s)  load {load_average()}", flush=True)
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(Server(env=env, entry=PRODUCTION)) for _ in range(args.servers)]
            for server in servers:
                server.wait_ready(timeout=300)
            start = time.perf_counter()
            for server in servers:   # the warm-up done: rounds measure warm views
                asyncio.run(view(server.url, timeout=300, expect=None))
            print(f"first overview {(time.perf_counter() - start) * 1000:.0f} ms after the servers answered", flush=True)
            if args.mix:
                # Each province page once on each server: its first view builds what its viewers share.
                cpu_before, start = sum(s.cpu() for s in servers), time.perf_counter()
                pages = {p.query: p for plan in plans_for(max(counts), True, cat) for p in plan if p.kind == "unit"}
                for server in servers:
                    for page in pages.values():
                        asyncio.run(view(server.url, query_string=page.query, page_name=page.name, timeout=300,
                                         expect=page.heading))
                warm = len(pages) * len(servers)
                print(f"{len(pages)} province pages opened once on each server: {(time.perf_counter() - start) * 1000 / warm:.0f} ms "
                      f"and {(sum(s.cpu() for s in servers) - cpu_before) * 1000 / warm:.0f} ms of server CPU a page "
                      f"(their first view after the snapshot)  load {load_average()}", flush=True)
            for k, sessions in enumerate(counts):
                spy = recording(servers[0], args.py_spy) if args.py_spy and k == len(counts) - 1 else None
                cpu_before, client_before = sum(s.cpu() for s in servers), time.process_time()
                result = asyncio.run(round_of([s.url for s in servers], plans_for(sessions, args.mix, cat), args.views,
                                              args.timeout))
                if spy is not None:
                    spy.send_signal(2)   # py-spy writes its file when interrupted
                    spy.wait(60)
                done = len(result.all)
                rss = "+".join(f"{s.rss():.0f}" for s in servers)
                if result.errors:
                    print(f"  {len(result.errors)} views failed, first: {result.errors[0]}")
                head = f"load mix={int(args.mix)} sessions={sessions} servers={len(servers)}"
                if not done:
                    print(f"{head} p50_ms=- p95_ms=- failed={len(result.errors)} rss_mb={rss} backend={backend}", flush=True)
                    continue
                server_ms = (sum(s.cpu() for s in servers) - cpu_before) * 1000 / done
                client_ms = (time.process_time() - client_before) * 1000 / done
                kinds = "".join(f" p95_{kind}_ms={percentile(values, 95):.0f}" for kind, values in result.latencies.items()
                                if values and args.mix)
                print(f"{head} p50_ms={percentile(result.all, 50):.0f} p95_ms={percentile(result.all, 95):.0f} "
                      f"failed={len(result.errors)} rss_mb={rss} backend={backend} server_cpu_ms_per_view={server_ms:.0f} "
                      f"views={done}{kinds} client_cpu_ms_per_view={client_ms:.0f} "
                      f"load_avg={load_average().replace(' ', '/')}", flush=True)


if __name__ == "__main__":
    main()
