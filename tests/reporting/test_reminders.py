"""Reminders (issue 20) through a real SMTP server (aiosmtpd) on 127.0.0.1, read back as they arrived."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.server import free_port

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def install(seeded, tmp_path, smtp) -> dict:
    dest = tmp_path / "install"
    shutil.copytree(Path(seeded["TRACKER_DB"]).parent, dest)
    (dest / "users.toml").unlink(missing_ok=True)   # accounts other tests added to the shared demo are not ours
    settings = tmp_path / "settings.toml"
    settings.write_text(f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp[0]}\nsmtp_from = "nq45@tinh.gov.vn"\n'
                        'base_url = "https://nq45.tinh.gov.vn"\nremind_days = 3\n', encoding="utf-8")
    return {"TRACKER_DB": str(dest / "tracker.duckdb"), "TRACKER_USERS": str(dest / "users.toml"),
            "TRACKER_SETTINGS": str(settings), "TRACKER_TODAY": "2026-12-15"}


def cli(env, *args, stdin=""):
    return subprocess.run([sys.executable, "-m", "tracker", *args], env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                          cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=300)


def test_reminders_before_and_after_the_deadline_once_each(install, smtp):
    _, inbox = smtp
    add = cli(install, "user", "add", "canbo.kh", "--role", "uploader", "--unit", "khanh-hoa",
              "--email", "canbo.kh@tinh.gov.vn", "--password-stdin", stdin="mat-khau-dai-du\n")
    assert add.returncode == 0, add.stderr
    assert cli(install, "user", "add", "canbo.ct", "--role", "uploader", "--unit", "can-tho",
               "--password-stdin", stdin="mat-khau-dai-du\n").returncode == 0        # no address: no mail
    assert cli(install, "user", "add", "x", "--role", "viewer", "--email", "khong-phai-thu",
               "--password-stdin", stdin="mat-khau-dai-du\n").returncode == 1

    dry = cli(install, "remind", "--dry-run")                 # 15/12 = 18/12 − 3 days
    assert dry.returncode == 0 and "canbo.kh <canbo.kh@tinh.gov.vn>" in dry.stdout and not inbox.messages

    sent = cli(install, "remind")
    assert sent.returncode == 0, sent.stderr
    # Khánh Hòa reports quarterly and yearly targets: Quý IV/2026 and Năm 2026 are both due on 18/12.
    assert sorted(m["Subject"] for _, m in inbox.messages) == ["Nhắc nộp số liệu Năm 2026 — hạn nộp 18/12/2026",
                                                               "Nhắc nộp số liệu Quý IV/2026 — hạn nộp 18/12/2026"]
    to, mail = next((to, m) for to, m in inbox.messages if "Quý IV" in m["Subject"])
    assert to == ["canbo.kh@tinh.gov.vn"]
    body = mail.get_content()
    assert "Khánh Hòa chưa nộp số liệu Quý IV/2026" in body and "https://nq45.tinh.gov.vn/nhap-so-lieu" in body
    assert "Số liệu tính từ 15/09/2026 đến 14/12/2026; hạn nộp 18/12/2026" in body

    assert "không có thư nhắc" in cli(install, "remind").stdout
    assert len(inbox.messages) == 2                          # never twice for the same window
    assert "Hôm nay không có thư nhắc" in cli(install, "remind", "--today", "2026-12-17").stdout

    after = cli(install, "remind", "--today", "2026-12-19")   # the day after the deadline
    assert after.returncode == 0 and len(inbox.messages) == 4
    assert "Quá hạn nộp số liệu Quý IV/2026 (hạn 18/12/2026)" in {m["Subject"] for _, m in inbox.messages[2:]}
    audit = cli(install, "audit").stdout
    assert audit.count("gửi thư nhắc nộp") == 4
