"""Where a warm page view's server CPU goes: the production server (tracker.server) with each page
script run profiled by pyinstrument inside the server, pages asked for over the websocket
(bench/streamlit_client.py) at BENCH_OBSERVATIONS (default 1 000 000).

`python bench/profile_page.py [--page dia-phuong] [--views 5]` writes the last warm view's profile as
text to stdout and as HTML to bench/out/profile_<page>.html. Needs pyinstrument (requirements-dev.txt).
The profiled entry is this file run with --serve: tracker.server with Streamlit's script runner wrapped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve(out: Path) -> None:
    """tracker.server, each script run profiled; the profile of the latest run written to ``out``."""
    from pyinstrument import Profiler
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data):
        profiler = Profiler(interval=0.0005)
        profiler.start()
        try:
            return original(self, rerun_data)
        finally:
            profiler.stop()
            out.with_suffix(".txt").write_text(profiler.output_text(unicode=True, show_all=bool(os.environ.get("BENCH_PROFILE_ALL"))))
            out.with_suffix(".html").write_text(profiler.output_html())

    script_runner.ScriptRunner._run_script = profiled
    from tracker import server

    server.main()


def main() -> None:
    from bench.render import prepared
    from bench.streamlit_client import Server, load_average, view
    from bench.synthetic import OUT

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="dia-phuong", help="url_path of the page ('' for the overview)")
    parser.add_argument("--views", type=int, default=5)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.serve:
        sys.argv = [sys.argv[0], *rest]
        serve(Path(args.serve))
        return
    out = OUT / f"profile_{args.page or 'overview'}"
    with prepared() as (env, _n, cat, _):
        unit = next(iter(cat.jurisdictions))
        query = f"unit={unit}" if args.page == "dia-phuong" else ""
        entry = [sys.executable, str(Path(__file__).resolve()), "--serve", str(out)]
        with Server(env=env, entry=entry) as server:
            server.wait_ready(timeout=300)
            asyncio.run(view(server.url, timeout=300))
            for _ in range(args.views):
                before = server.cpu()
                ms, _ = asyncio.run(view(server.url, query_string=query, page_name=args.page, timeout=300))
                print(f"view {ms:.0f} ms, server CPU {(server.cpu() - before) * 1000:.0f} ms  load {load_average()}")
        print(out.with_suffix(".txt").read_text())
        print(f"profile: {out.with_suffix('.html')}")


if __name__ == "__main__":
    main()
