"""The production dashboard server: `python -m tracker.server [Streamlit options]` (`make run`).

The same app as `streamlit run dashboard.py`, served through app.py (whose routes let a sign-in
survive a reload: tracker.web.routes), with what a server left running all day needs and a developer
editing the code does not:
- the warm-up (tracker.server.warmup) starts with the server, so the first visitor does not parse the
  catalogue or assess every target;
- the GC policy (tracker.server.warmup): long-lived data frozen, so Streamlit's collection after each page
  run stays cheap;
- no source-file watcher: nobody edits the code of a running office server, and watching costs CPU on
  every page run;
- no full collection after every page run (Python's generational one instead): see PRODUCTION_OPTIONS.
Options given on the command line are passed to Streamlit after these and win over them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# runner.postScriptGC off: Streamlit's full collection after every page run walks everything not frozen,
# and with thirty sessions at once that is every session's objects thirty times over (70 % of a crowd's
# CPU, bench/load.py --mix); Python's own generational collection, with the GC policy's freeze
# (tracker.server.warmup), bounds memory without it.
PRODUCTION_OPTIONS = ("--server.fileWatcherType", "none", "--server.runOnSave", "false", "--runner.postScriptGC", "false")


def free_port() -> int:
    """A TCP port free on the loopback now (for tests and benchmarks that start a server of their own)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, proc=None, timeout: float = 120.0, poll: float = 0.5) -> bool:
    """True once ``url``'s health check answers; False when ``proc`` exits first or ``timeout`` seconds pass."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(poll)
    return False


def streamlit_argv(args: list[str]) -> list[str]:
    return ["streamlit", "run", str(ROOT / "app.py"), *PRODUCTION_OPTIONS, *args]   # app.py: dashboard.py + sign-in routes


def main(args: list[str] | None = None) -> None:
    from tracker.server import warmup

    warmup.enable_gc_policy()
    warmup.start()
    sys.argv = streamlit_argv(list(sys.argv[1:] if args is None else args))
    from streamlit.web import cli

    cli.main()

