"""The headless browser that draws the charts as images on the server: PNG stills and slides, SVG for the
PDF brief.

PNGs come from Plotly's own image export (kaleido 1.x), which drives a headless Chromium. Starting
a browser costs seconds, so one is kept open in a background thread and every figure of a deck is
rendered in one batch on it. When no browser is available the callers say why (PngExportUnavailable,
in Vietnamese and English) and show the figures another way.
"""

from __future__ import annotations

import asyncio
import atexit
import math
import os
import shutil
import threading
import time

# Debian's Chromium; BROWSER_PATH (choreographer's own variable) points elsewhere when needed.
DEFAULT_BROWSER = "/usr/bin/chromium"
STARTUP_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 60
RETRY_AFTER_S = 300
# Tabs rendering side by side. Measured: a second tab adds ~1.7 s to the browser start and saves only
# ~0.08 s per figure (0.44 → 0.36 s), which a deck of a few charts never earns back.
TABS = 1

TEXT = {
    "png.no_kaleido": ("Chưa cài gói kaleido nên không xuất được ảnh biểu đồ trên máy chủ.",
                       "The kaleido package is not installed, so charts cannot be exported as images on the server."),
    "png.no_browser": ("Không tìm thấy trình duyệt Chromium ({path}) trên máy chủ nên không xuất được ảnh biểu đồ; "
                       "quản trị viên cài bằng lệnh: apt-get install chromium.",
                       "Chromium was not found on the server ({path}), so charts cannot be exported as images; "
                       "an administrator can install it with: apt-get install chromium."),
    "png.failed": ("Trình duyệt Chromium trên máy chủ không khởi động được ({error}).",
                   "The server's Chromium browser did not start ({error})."),
}


def _t(key: str, lang: str, **kwargs) -> str:
    vi, en = TEXT[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text


class PngExportUnavailable(RuntimeError):
    """No browser to draw charts with; the message says why and how to fix it ("vi / en" as a string)."""

    def __init__(self, key: str, **kwargs):
        self.message_vi = _t(key, "vi", **kwargs)
        self.message_en = _t(key, "en", **kwargs)
        super().__init__(f"{self.message_vi} / {self.message_en}")

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_vi


def browser_path() -> str | None:
    """The Chromium kaleido will drive: $BROWSER_PATH, else Debian's, else one on PATH."""
    candidates = [os.environ.get("BROWSER_PATH"), DEFAULT_BROWSER,
                  shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


class _ChartRenderer:
    """One headless Chromium (through kaleido), opened on first use and kept for the process.

    kaleido is asyncio code; it runs on an event loop in a daemon thread, and callers from any
    thread (Streamlit runs each session in its own) hand it work with run_coroutine_threadsafe.
    kaleido queues the figures over its tabs, so concurrent callers do not mix results.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self.failure: PngExportUnavailable | None = None
        self.failed_at = 0.0

    def _open(self):
        import kaleido

        path = browser_path()
        if path is None:
            raise _missing_browser()
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="nq45-chart-renderer", daemon=True).start()

        async def start():
            # kaleido's page loads MathJax from a CDN unless told not to; the charts have no maths,
            # and a server without internet would wait for it. Sandboxing is off by default
            # (choreographer passes --no-sandbox), which root inside a container needs.
            k = kaleido.Kaleido(path=path, mathjax=False, n=TABS, timeout=RENDER_TIMEOUT_S)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(start(), loop).result(STARTUP_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            self.failure = PngExportUnavailable("png.failed", error=f"{type(exc).__name__}: {exc.args[0] if exc.args else ''}"[:200])
            self.failed_at = time.monotonic()
            raise self.failure from None
        self._loop = loop
        self.failure = None
        # Registered after kaleido made its temporary profile folder, so at exit (last in, first out)
        # the browser is closed before that folder's own cleanup runs, which fails under a live browser.
        atexit.register(self.close)

    def render(self, jobs: list[tuple[dict, dict]]) -> list[bytes]:
        """PNG bytes for each (figure dict, kaleido opts), in order; retries once on a fresh browser."""
        for attempt in (1, 2):
            with self._lock:
                if self._kaleido is None:
                    self._open()
                k, loop = self._kaleido, self._loop

            async def batch():
                return await asyncio.gather(*(k.calc_fig(fig, opts=opts) for fig, opts in jobs))

            try:
                timeout = STARTUP_TIMEOUT_S + RENDER_TIMEOUT_S * max(1, math.ceil(len(jobs) / TABS))
                return list(asyncio.run_coroutine_threadsafe(batch(), loop).result(timeout))
            except Exception:
                # A crashed or hung browser: drop it so the next attempt starts a new one.
                self.close(only=k)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self, only=None) -> None:
        with self._lock:
            k, loop = self._kaleido, self._loop
            if k is None or (only is not None and k is not only):
                return
            self._kaleido = self._loop = None
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(15)
        except Exception:  # closing a browser that already died
            pass
        loop.call_soon_threadsafe(loop.stop)


_RENDERER = _ChartRenderer()


def close_png_renderer() -> None:
    """Close the background browser (it is reopened on the next export)."""
    _RENDERER.close()


def _missing_browser() -> PngExportUnavailable:
    return PngExportUnavailable("png.no_browser", path=os.environ.get("BROWSER_PATH") or DEFAULT_BROWSER)


def _why_unavailable() -> PngExportUnavailable | None:
    try:
        import kaleido  # noqa: F401
    except Exception:
        return PngExportUnavailable("png.no_kaleido")
    if browser_path() is None:
        return _missing_browser()
    # A browser that would not start is tried again after a while (an admin may have fixed it).
    if _RENDERER.failure and time.monotonic() - _RENDERER.failed_at < RETRY_AFTER_S:
        return _RENDERER.failure
    return None


def png_export_available() -> tuple[bool, str]:
    """Whether charts can be exported as PNG here, and if not a message ("vi / en") saying why. Never raises."""
    try:
        why = _why_unavailable()
    except Exception as exc:  # an odd filesystem must not break a page
        return False, f"{type(exc).__name__}: {exc}"
    return (False, str(why)) if why else (True, "")


def _fit_for_export(fig, width: int, height: int) -> dict:
    """The figure as a dict laid out at width × height, with room kept for the notes under the plot.

    The figure builders place the footer ("Cập nhật: …", source, demo mark) at a fraction of the plot
    height below it; at a taller size that lands beyond the bottom margin and would be cut off, so
    the bottom margin is widened until every such note fits.
    """
    import plotly.graph_objects as go

    fig = go.Figure(fig)
    layout = fig.layout
    top = layout.margin.t if layout.margin.t is not None else 100
    bottom = layout.margin.b if layout.margin.b is not None else 80
    for note in layout.annotations or ():
        if note.yref == "paper" and note.y is not None and note.y < 0:
            depth = -float(note.y)
            size = (note.font.size if note.font and note.font.size else (layout.font.size or 12))
            lines = 1 + str(note.text or "").count("<br>")
            text_height = size * 1.5 * lines + 8
            # depth × plot height + text height ≤ bottom, with plot height = height − top − bottom
            bottom = max(bottom, math.ceil((depth * (height - top) + text_height) / (1 + depth)))
    fig.update_layout(width=width, height=height, margin={"b": bottom})
    return fig.to_dict()


def figures_png(figs: list, width: int = 1600, height: int = 900, scale: float = 2) -> list[bytes]:
    """PNG of each figure (width × height CSS px, drawn at ``scale``), rendered in one batch.

    Raises PngExportUnavailable (message in Vietnamese and English) when there is no browser.
    """
    if not figs:
        return []
    why = _why_unavailable()
    if why:
        raise why
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    return _RENDERER.render([(_fit_for_export(f, width, height), opts) for f in figs])


def figure_image(fig, width: int = 1600, height: int = 900, fmt: str = "svg", scale: float = 1) -> bytes:
    """One figure in another format ("svg" for the PDF brief: its words stay text)."""
    why = _why_unavailable()
    if why:
        raise why
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    return _RENDERER.render([(_fit_for_export(fig, width, height), opts)])[0]


def figure_png(fig, width: int = 1600, height: int = 900, scale: float = 2) -> bytes:
    """PNG of one figure: 1600×900 at scale 2 gives a 3200×1800 image for a 16:9 slide."""
    return figures_png([fig], width, height, scale)[0]
