"""Reading and proposing in a child process with a time and memory limit, so that one hostile or
huge programme (a .docx whose text is 100 MB, a PDF of 100 000 pages) cannot stall the dashboard
for everyone: the page waits at most ``timeout`` seconds, then the child is killed and the admin is
told why. The reader's own limits (tracker.catalogue.propose.reading) still apply inside the child."""

from __future__ import annotations

import multiprocessing as mp

from tracker.catalogue.propose.model import ProposeResult, _issue

TIMEOUT_SECONDS = 60
MEMORY_BYTES = 2 * 1024 ** 3


def _child(conn, name: str, data: bytes | None, text: str | None, memory: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    from tracker.catalogue.propose import propose_file, propose_text

    try:
        result = propose_text(text) if text is not None else propose_file(name, data)
    except MemoryError:
        result = ProposeResult(issues=[_memory_issue()])
    conn.send(result)
    conn.close()


def _memory_issue():
    return _issue("too_much_memory", "Đọc văn bản này cần quá nhiều bộ nhớ: tệp có thể đã bị sửa để làm treo máy chủ. "
                  "Hãy lưu lại văn bản từ Word thành .docx hoặc .txt rồi tải lên lại.",
                  "Reading this text needs too much memory; save it again from Word as .docx or .txt.")


def propose_guarded(name: str = "", data: bytes | None = None, text: str | None = None,
                    timeout: float = TIMEOUT_SECONDS, memory: int = MEMORY_BYTES) -> ProposeResult:
    """propose_file(name, data) — or propose_text(text) — in a child process; an issue when it takes
    longer than ``timeout`` seconds or more than ``memory`` bytes."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, name, data, text, memory), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                return parent.recv()
            except EOFError:
                return ProposeResult(issues=[_memory_issue()])
        return ProposeResult(issues=[_issue(
            "timeout", f"Đọc văn bản quá {timeout:.0f} giây nên đã dừng: tệp quá lớn hoặc có cấu trúc bất thường. "
            "Hãy lưu lại văn bản thành .docx hoặc .txt rồi tải lên lại.",
            f"Reading the text took more than {timeout:.0f} s and was stopped; save it as .docx or .txt and upload again.")])
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
