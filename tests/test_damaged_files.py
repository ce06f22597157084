"""One damaged file never takes the site down, and what was stored is still there (issue 19 items 11, 14).

Each damage is made here: a programme YAML cut short, a users file with a syntax error or an unknown
role, an emptied users file, a full disk at «Xác nhận lưu» and at a programme save, a left-over .part,
a unit name carrying Markdown, a 300-character unit id."""

from __future__ import annotations

import errno
import shutil

import pytest

from tracker.accounts.users import UserStore, users_file_problem
from tracker.catalogue import DEFAULT_PATH, CatalogueError, read_with_programmes, skipped_programme_notice


def _programme(unit: str = "thu-nghiem", name: str = "Tỉnh Thử Nghiệm") -> str:
    return (f"jurisdictions:\n- id: {unit}\n  name: {{vi: \"{name}\", en: \"Test Province\"}}\n  level: province\n"
            "documents: []\nindicators: []\n")


def test_a_truncated_programme_is_left_out_and_named_while_the_rest_stays_up(tmp_path):
    good, cut = tmp_path / "a-tot.yaml", tmp_path / "b-hong.yaml"
    good.write_text(_programme(), encoding="utf-8")
    whole = _programme("thu-hai", "Tỉnh Thứ Hai")
    cut.write_text(whole[: len(whole) // 2], encoding="utf-8")        # a power cut in the middle of a save
    cat = read_with_programmes(DEFAULT_PATH, [good, cut])
    assert "thu-nghiem" in cat.jurisdictions and "thu-hai" not in cat.jurisdictions
    notice = skipped_programme_notice(cat, "vi")
    assert "b-hong.yaml" in notice and "khôi phục" in notice
    assert "a-tot.yaml" not in notice and skipped_programme_notice(cat, "en").startswith("Programme file")


def test_a_broken_main_catalogue_still_raises(tmp_path):
    main = tmp_path / "indicators.yaml"
    main.write_text("jurisdictions: [", encoding="utf-8")
    with pytest.raises(CatalogueError):
        read_with_programmes(main, [])


def test_part_files_in_the_catalogue_folder_are_removed_at_start(tmp_path, monkeypatch):
    from tracker.catalogue import loading

    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / "x.yaml.part").write_bytes(b"")                           # a 0-byte .part left by a full disk
    (folder / "a.yaml").write_text(_programme(), encoding="utf-8")
    monkeypatch.setenv("TRACKER_SETTINGS", str(tmp_path / "settings.toml"))
    (tmp_path / "settings.toml").write_text(f'catalogue_dir = "{folder}"\n', encoding="utf-8")
    monkeypatch.setattr(loading, "_cleaned", set())
    assert loading.programme_files() == [folder / "a.yaml"]
    assert not (folder / "x.yaml.part").exists()


@pytest.mark.parametrize("damage", ['[users."canbo"\nrole = "admin"\n', '[users."canbo"]\nrole = "chu-tich"\nunits = []\n'
                                    'password_hash = "$2b$04$abcdefghijklmnopqrstuuVbkVjtx5dxK9vQ1mSq2b1B0Y8nY1wVa"\n'],
                         ids=["syntax", "unknown_role"])
def test_a_damaged_users_file_signs_nobody_in_with_a_message_naming_it(tmp_path, damage):
    from tracker.accounts.signin import Throttle, sign_in
    from tracker.accounts.users import UserError

    path = tmp_path / "users.toml"
    path.write_text(damage, encoding="utf-8")
    users = UserStore(path, rounds=4)
    with pytest.raises(UserError) as caught:
        users.list_users()
    message = users_file_problem(users, error=caught.value)
    assert str(path) in message and "bị hỏng" in message and "sao lưu" in message
    with pytest.raises(UserError):
        sign_in(users, Throttle(), "canbo", "bat-ky-mat-khau")


def test_an_emptied_users_file_while_data_exists_makes_no_admin(tmp_path):
    path = tmp_path / "users.toml"
    users = UserStore(path, rounds=4)
    assert users_file_problem(users, has_data=False) is None             # a first run: ensure_admin may make one
    path.write_text("", encoding="utf-8")
    assert "không có tài khoản nào" in users_file_problem(users, has_data=False)
    path.unlink()
    message = users_file_problem(users, has_data=lambda: True)
    assert "đã có số liệu" in message and "không tự tạo" in message


def test_the_dashboard_with_an_emptied_users_file_makes_no_admin(own_copy):
    from tests.support.pages import dashboard
    from tracker.core.settings import load_settings

    path = load_settings().users_file
    path.write_text("", encoding="utf-8")
    at = dashboard()
    assert not at.exception
    assert any("không có tài khoản nào" in e.value for e in at.sidebar.error)
    assert UserStore(path).list_users() == []
    assert len(at.markdown) > 3                                          # the overview is still shown


def test_a_full_disk_at_confirm_stores_nothing_and_says_so(tmp_path, monkeypatch):
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form
    from tracker.ingest import read_form
    from tracker.storage.duckdb import DuckDBStore
    from tracker.storage.queries import Store
    from tracker.storage.records import StoreError
    from tracker.forms.workbook import build_form
    import datetime as dt

    cat = load_catalogue()
    stock = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    content = fill_form(build_form(cat, "khanh-hoa", "2026-Q3"), {(stock.id, ""): 21})
    parsed = read_form(content, "kh.xlsx", cat, today=dt.date(2026, 10, 15))
    assert parsed.ok

    def full(self, cur, name, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(DuckDBStore, "_keep_file", full)
    with Store(tmp_path / "t.duckdb", tmp_path / "archive") as store:
        with pytest.raises(StoreError) as caught:
            store.commit(parsed, content, user="canbo")
        assert caught.value.code == "disk_full" and "Ổ đĩa đầy" in caught.value.message("vi")
        assert store.submissions() == [] and store.observation_count() == 0


def test_a_full_disk_at_a_programme_save_leaves_nothing_and_says_so(tmp_path, monkeypatch):
    from tracker.catalogue import programmes

    real_open = open

    def full_open(path, mode="r", *a, **k):
        if str(path).endswith(".part") and "w" in mode:
            handle = real_open(path, mode, *a, **k)
            handle.close()
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr("builtins.open", full_open)
    with pytest.raises(OSError):
        programmes._atomic_write(tmp_path / "p.yaml", "x: 1\n")
    assert list(tmp_path.iterdir()) == []                                # no 0-byte .part left for good
    issue = programmes.write_failed(tmp_path, OSError(errno.ENOSPC, "No space left on device"))
    assert issue.code == "disk_full" and "Ổ đĩa đầy" in issue.message_vi


def test_a_programme_save_is_fsynced(tmp_path, monkeypatch):
    import os

    from tracker.catalogue import programmes

    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real(fd))
    programmes._atomic_write(tmp_path / "p.yaml", "x: 1\n")
    assert len(synced) == 2 and (tmp_path / "p.yaml").read_text() == "x: 1\n"   # the file, then its folder


# --- item 14: names typed by admins are plain text; a long unit id is refused with a message -------------

@pytest.mark.parametrize("name", ["Tỉnh ![x](http://127.0.0.1:9/anh.png)", "Tỉnh <b>A</b>", "Tỉnh $x$", "# Tỉnh"])
def test_a_unit_name_with_markup_is_refused(tmp_path, name):
    extra = tmp_path / "p.yaml"
    extra.write_text(_programme(name=name.replace('"', "'")), encoding="utf-8")
    cat = read_with_programmes(DEFAULT_PATH, [extra])
    assert "thu-nghiem" not in cat.jurisdictions
    assert "plain text" in skipped_programme_notice(cat, "en")


def test_a_300_character_unit_id_is_refused_with_a_message(tmp_path):
    from tracker.catalogue import programmes

    result = programmes.save_programme(main_path=DEFAULT_PATH, folder=tmp_path / "catalogue", text="Văn bản", rows=[],
                                       who="quantri", unit="a" * 300, new_unit=None, document={})
    assert result.path is None and result.issues[0].code == "bad_unit_id"
    assert "tối đa 64" in result.issues[0].message_vi
