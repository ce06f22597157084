"""Load benchmark: N concurrent sessions (default N = 1, 10, 30) opening the overview of one real dashboard
server (the production entry, tracker.server) on 127.0.0.1, at 1 000 000 observations.

Each session is a virtual visitor who loads the overview VIEWS times in a row (a new websocket session
per load, as a browser's page load makes); all N start together. The client is one asyncio loop that
speaks Streamlit's websocket protocol (bench/streamlit_client.py) and only parses the protobufs, so it
leaves the two cores to the server: its own CPU is printed too. Bounded: N × VIEWS views per round,
each view with a timeout; the server is stopped at the end.

One line per N, exactly:
load sessions=<N> p50_ms=<a> p95_ms=<b> server_cpu_ms_per_view=<c> rss_mb=<d> backend=<e>
followed on the same line by the client's CPU per view and the machine's load average (1, 5, 15 min).
p50/p95 are over every view of the round (wall time from opening the websocket to "script finished");
server_cpu_ms_per_view is the server process's user+system CPU over the round divided by its views;
rss_mb the server's resident memory after the round.

Options: --sessions 1,10,30; --views 5; --db-url postgresql://… (passed to the server as TRACKER_DB;
the database must already hold the data, or it is filled like a DuckDB file); BENCH_OBSERVATIONS;
BENCH_DB keeps the filled DuckDB file between runs (render.py and load.py share it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def visitor(url: str, views: int, latencies: list[float], errors: list[str], timeout: float) -> None:
    from websockets.exceptions import WebSocketException

    from bench.streamlit_client import ViewError, view

    for _ in range(views):
        try:
            ms, _ = await view(url, timeout=timeout, expect="Tổng quan")
            latencies.append(ms)
        except (ViewError, OSError, TimeoutError, WebSocketException) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")


async def round_of(url: str, sessions: int, views: int, timeout: float) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    await asyncio.gather(*(visitor(url, views, latencies, errors, timeout) for _ in range(sessions)))
    return latencies, errors


def main() -> None:
    from bench.render import PRODUCTION, backend_name, prepared
    from bench.streamlit_client import Server, load_average, percentile, view

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,10,30", help="comma-separated session counts (default 1,10,30)")
    parser.add_argument("--views", type=int, default=5, help="overview loads per session per round (default 5)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one view may take before it counts as failed")
    parser.add_argument("--db-url", help="a PostgreSQL URL (TRACKER_DB of the server); default: a DuckDB file")
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",") if n.strip()]
    backend = backend_name(args.db_url)
    with prepared(args.db_url) as (env, n, _cat, _):
        print(f"{n} observations, backend {backend}")
        with Server(env=env, entry=PRODUCTION) as server:
            server.wait_ready(timeout=300)
            start = time.perf_counter()
            asyncio.run(view(server.url, timeout=300, expect=None))   # the warm-up done: rounds measure warm views
            print(f"first overview {(time.perf_counter() - start) * 1000:.0f} ms after the server answered")
            for sessions in counts:
                cpu_before, client_before = server.cpu(), time.process_time()
                latencies, errors = asyncio.run(round_of(server.url, sessions, args.views, args.timeout))
                done = len(latencies)
                if errors:
                    print(f"  {len(errors)} of {sessions * args.views} views failed, first: {errors[0]}")
                if not done:
                    print(f"load sessions={sessions} p50_ms=- p95_ms=- server_cpu_ms_per_view=- rss_mb={server.rss():.0f} "
                          f"backend={backend} failed={len(errors)}")
                    continue
                server_ms = (server.cpu() - cpu_before) * 1000 / done
                client_ms = (time.process_time() - client_before) * 1000 / done
                print(f"load sessions={sessions} p50_ms={percentile(latencies, 50):.0f} p95_ms={percentile(latencies, 95):.0f} "
                      f"server_cpu_ms_per_view={server_ms:.0f} rss_mb={server.rss():.0f} backend={backend} "
                      f"views={done} failed={len(errors)} client_cpu_ms_per_view={client_ms:.0f} "
                      f"load_avg={load_average().replace(' ', '/')}", flush=True)


if __name__ == "__main__":
    main()
