"""Deep links on every page: a URL restores the exact view, and a bad value gives a notice, never an error.

Each case opens a page with the global parameters (language, area, period, sectors) and the page's own
ones; after the run the URL still carries every one of them (so it can be shared again) and the
controls show them.
"""
from __future__ import annotations

import pytest
from apphelpers import run_app

GLOBAL = {"lang": "en", "xa": "10417", "ky": "quarter", "den": "2026-06", "nganh": "J"}
PAGES = {
    "overview": {},
    "map": {"chi_tieu": "trained_share", "che_do": "khoang_cach"},
    "commune": {"xu_huong": "trained_share"},
    "sectors": {"nhom": "kinh_te_so", "chiso": "job_seekers"},
    "trends": {"ds_chi_tieu": "trained_share,new_jobs", "so_sanh": "10417,00004",
               "ke_hoach": "jobs_loans", "nam": "2025"},
    "forecast": {"chi_tieu": "trained_share"},
    "data": {},
    "wall": {"xoay": "7", "xem": "uu-tien,chi-tieu", "chi_tieu": "trained_share"},
    "audit": {"so_ngay": "30", "hanh_dong": "page_view,download"},
}
NOT_IN_SESSION = {"wall": {"xoay", "xem", "chi_tieu"}}  # the wall reads its options straight from the URL
BAD = {
    "map": {"chi_tieu": "khong_co", "che_do": "xoay"},
    "commune": {"xu_huong": "khong_co"},
    "sectors": {"chiso": "luong", "loai": "thon"},
    "trends": {"pham_vi": "the_gioi", "nam": "1999"},
    "forecast": {"chi_tieu": "khong_co"},
    "wall": {"xoay": "0", "xem": "tin-tuc"},
    "audit": {"so_ngay": "9999", "hanh_dong": "xoa"},
}


@pytest.fixture(autouse=True)
def _audit_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HANOI_AUDIT_DIR", str(tmp_path / "audit"))


def _url_value(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_link_restores_the_exact_view(page):
    params = {**GLOBAL, **PAGES[page]}
    at = run_app(page, **params)
    assert not at.exception, at.exception
    for key, value in params.items():
        assert _url_value(at, key) == value, f"{page}: the URL lost {key}"
        if key in NOT_IN_SESSION.get(page, set()):
            continue
        state = at.session_state[key]
        assert (",".join(state) if isinstance(state, list) else state) == value, f"{page}: control {key}"
    assert not any("not valid" in i.value for i in at.info)


@pytest.mark.parametrize("page", sorted(BAD))
def test_bad_link_values_give_a_notice_and_the_default(page):
    # (a bad global value such as ?xa=99999 is told on the first page the link opens: test_page_overview)
    at = run_app(page, xa="10417", **BAD[page])
    assert not at.exception, at.exception
    notices = " ".join(i.value for i in at.info)
    for key in BAD[page]:
        assert f"`{key}`" in notices, f"{page}: no notice for {key}"
    assert at.session_state["xa"] == "10417", "a good value next to bad ones is kept"
