"""A programme saved on the page reaches every running process without a restart (issue 24 goal 3).

Two real production servers (`python -m tracker.server`) serve one installation; a third process saves a
programme with tracker.catalogue.programmes.save_programme, as the «Thêm chương trình» page does. Each server reads
the catalogue folder's names, times and sizes at its next page run, so both show the new unit and its
targets on the catalogue page, and the overview (its snapshot made again for the new catalogue) still
comes, without either being restarted."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from bench.streamlit_client import ViewError, view
from tests.support import ROOT
from tests.support.installation import child_env, installation
from tests.support.servers import running_server

UNIT, NAME = "tinh-thu-nghiem", "Tỉnh Thử Nghiệm"

# Run in a process of its own: the servers learn of the save only through the catalogue folder.
SAVE = r"""
import json
from tracker.catalogue import DEFAULT_PATH
from tracker.catalogue.programmes import save_programme
from tracker.catalogue.propose import propose_text
from tracker.core.settings import catalogue_dir

text = '''CHƯƠNG TRÌNH HÀNH ĐỘNG
thực hiện Nghị quyết số 45-NQ/TW ngày 24/11/2023 của Ban Chấp hành Trung ương Đảng (khóa XIII)
về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức đáp ứng yêu cầu phát triển đất nước nhanh
và bền vững trong giai đoạn mới, Ban Thường vụ Tỉnh ủy xây dựng Chương trình hành động như sau:

II. MỤC TIÊU
1. Mục tiêu đến năm 2030
- Tỷ lệ cán bộ cấp xã có trình độ đại học đạt ít nhất 85%.
III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU
1. Nâng cao nhận thức về vai trò của trí thức
- Tăng cường tuyên truyền về vai trò của đội ngũ trí thức trong các cơ quan, đơn vị.
IV. TỔ CHỨC THỰC HIỆN
1. Ban Tuyên giáo Tỉnh ủy chủ trì theo dõi, đôn đốc việc thực hiện Chương trình này.
'''
proposed = propose_text(text)
assert proposed.ok, proposed.issues
rows = [p.as_json() | {"accept": True, "confirmed": True} for p in proposed.proposals if p.kind == "numeric"]
result = save_programme(main_path=DEFAULT_PATH, folder=catalogue_dir(), text=text, rows=rows, who="quantri",
                        unit="UNIT", new_unit={"id": "UNIT", "name": {"vi": "NAME", "en": "Test Province"},
                                                    "level": "province"},
                        document={"kind": "Chương trình hành động", "number": "07-CTr/TU", "date": "2024-05-02"})
assert not result.issues, result.issues
print(json.dumps(result.ids))
""".replace("UNIT", UNIT).replace("NAME", NAME)


def catalogue_page(server, expect: str) -> None:
    asyncio.run(view(server.stream_url, page_name="danh-muc", timeout=120, expect=expect))


def test_a_programme_saved_by_another_process_reaches_both_running_servers(own_copy, tmp_path):
    env = installation(own_copy, today="2026-10-15")
    with running_server("tracker.server", env, log=tmp_path / "one.log") as one, \
            running_server("tracker.server", env, log=tmp_path / "two.log") as two:
        for server in (one, two):
            with pytest.raises(ViewError, match="no heading"):   # not there before the save
                catalogue_page(server, expect=f"{NAME} · 1")
        saved = subprocess.run([sys.executable, "-c", SAVE], cwd=ROOT, env=child_env(env), capture_output=True,
                               text=True, timeout=120)
        assert saved.returncode == 0, saved.stderr
        ids = json.loads(saved.stdout.strip().splitlines()[-1])
        assert len(ids) == 1 and ids[0].startswith(f"{UNIT}.")
        for server in (one, two):
            catalogue_page(server, expect=f"{NAME} · 1")
            asyncio.run(view(server.stream_url, timeout=120, expect="Tổng quan"))
            asyncio.run(view(server.stream_url, page_name="dia-phuong", query_string=f"unit={UNIT}", timeout=120,
                             expect=f"Địa phương: {NAME}"))
        assert one.proc.poll() is None and two.proc.poll() is None      # the same processes throughout
