"""A light Streamlit client for benchmarks: a real server started on 127.0.0.1, page views driven over
Streamlit's own websocket protocol (BackMsg/ForwardMsg protobufs), the server's CPU read from /proc.

A browser tab would spend more CPU drawing the page than the server spends making it (ten Chromium
tabs on two cores measure Chromium); this client only parses the protobufs, so the figures are the
server's. One view = what a browser's page load asks for: a new websocket session, one script run,
every message up to "script finished". Used by bench/render.py and bench/load.py.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tracker.server import free_port

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")




def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used so far (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS   # utime, stime (fields 14 and 15)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> str:
    return " ".join(f"{x:.2f}".replace(".", ",") for x in os.getloadavg())


@dataclass
class Server:
    """A dashboard server process on 127.0.0.1 (killed by stop(), and on leaving a with block)."""

    env: dict
    entry: list[str] = field(default_factory=lambda: [sys.executable, "-m", "tracker.server"])
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    started: float = 0.0
    log: Path | None = None

    def start(self) -> "Server":
        args = [*self.entry, "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false"]
        self.log = Path(os.environ.get("BENCH_SERVER_LOG") or "/tmp") / f"bench-server-{self.port}.log"
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **self.env},
                                     stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, timeout: float = 120) -> float:
        """Seconds from start() until the server answers its health check."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited ({self.proc.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"server not ready after {timeout} s; see {self.log}")

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def rss(self) -> float:
        return rss_mb(self.proc.pid)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class ViewError(RuntimeError):
    pass


async def view(url: str, query_string: str = "", page_name: str = "", timeout: float = 180,
               expect: str | None = None) -> tuple[float, int]:
    """One page load of the page at /``page_name`` (its url_path; "" for the default page): (milliseconds
    until the script finished, bytes received). Raises ViewError when the page shows an exception, the
    script does not finish successfully, or ``expect`` (a heading) is not among the page's headings."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    start = time.perf_counter()
    received = 0
    headings: list[str] = []
    async with asyncio.timeout(timeout):
        async with connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout,
                           ping_interval=None, compression=None) as ws:
            back = BackMsg()
            back.rerun_script.query_string = query_string
            back.rerun_script.page_name = page_name
            await ws.send(back.SerializeToString())
            async for frame in ws:
                received += len(frame)
                msg = ForwardMsg()
                msg.ParseFromString(frame)
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element
                    if element.WhichOneof("type") == "exception":
                        raise ViewError(f"the page shows an exception: {element.exception.message[:200]}")
                    if element.WhichOneof("type") == "heading":
                        headings.append(element.heading.body)
                if kind == "script_finished":
                    status = msg.script_finished
                    if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                        if expect is not None and expect not in headings:
                            raise ViewError(f"no heading {expect!r} on the page (headings: {headings[:5]})")
                        return (time.perf_counter() - start) * 1000, received
                    if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        raise ViewError(f"script finished with status {status}")
    raise ViewError("connection closed before the script finished")


class OpenTab:
    """A browser tab left open on the overview while other views are measured (a thread of its own).

    Streamlit drops its compiled page scripts whenever the last session disconnects; one page load
    after another, each closing its websocket, would compile the scripts again on every view, which an
    office server with tabs open never does. ``with OpenTab(url):`` keeps one session connected."""

    def __init__(self, url: str):
        import threading

        self.url = url
        self.ready = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None

    def _run(self) -> None:
        asyncio.run(self._hold())

    async def _hold(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.asyncio.client import connect

        self.loop, self.stop_event = asyncio.get_running_loop(), asyncio.Event()
        try:
            async with connect(self.url, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                               compression=None) as ws:
                back = BackMsg()
                back.rerun_script.query_string = ""
                await ws.send(back.SerializeToString())
                async for frame in ws:
                    msg = ForwardMsg()
                    msg.ParseFromString(frame)
                    if msg.WhichOneof("type") == "script_finished":
                        break
                self.ready.set()
                await self.stop_event.wait()
        except BaseException as exc:   # the measurement goes on without the tab; the caller is told
            self.failure = exc
            self.ready.set()

    def __enter__(self) -> "OpenTab":
        self.thread.start()
        self.ready.wait(300)
        if self.failure is not None:
            raise ViewError(f"the open tab failed: {self.failure}")
        return self

    def __exit__(self, *exc) -> None:
        if self.loop is not None and self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(30)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]
