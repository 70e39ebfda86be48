"""Attacks through the browser on a real server: Markdown and HTML in every URL parameter a page reads are
shown as text (no link, no image, no request to an outside address), and no traceback is ever drawn."""
from urllib.parse import quote, urlsplit

import pytest

from conftest import screenshot

pytestmark = pytest.mark.browser

LINK = "[Phiên đăng nhập đã hết hạn — bấm vào đây](https://evil.example/login)"
IMAGE = "![x](https://evil.example/pixel.png)<img src=https://evil.example/x.png>"
PARAMS = {  # page -> the URL parameters it reads (the sidebar's ones are read on every page)
    "": ("ky", "den", "xa", "nganh", "lang"),
    "ban-do": ("chi_tieu", "che_do"),
    "ho-so": ("xu_huong",),
    "nganh-kinh-te": ("loai", "nhom", "chiso"),
    "xu-huong": ("ds_chi_tieu", "pham_vi", "so_sanh", "loai_dv", "ke_hoach", "nam"),
    "du-bao": ("chi_tieu",),
    "man-hinh-tuong": ("xem", "xoay", "chi_tieu"),
    "nhat-ky": ("so_ngay", "nguoi_dung", "hanh_dong"),
}


@pytest.mark.parametrize("path", list(PARAMS))
def test_markdown_and_html_in_url_parameters_are_shown_as_text(page, app_url, path):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname == "evil.example" else None)
    extra = "xa=10417&" if path == "ho-so" else ""
    for payload in (LINK, IMAGE):
        query = "&".join(f"{p}={quote(payload)}" for p in PARAMS[path])
        page.goto(f"{app_url}/{path}?{extra}{query}")
        page.get_by_text("không hợp lệ").first.wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        assert page.locator('a[href*="evil.example"]').count() == 0, path
        assert page.locator('img[src*="evil.example"]').count() == 0, path
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("Traceback").count() == 0
        assert page.get_by_text("evil.example").count() >= 1, "the value is shown, as text"
    assert outside == [], "nothing was fetched from the attacker's address"
    screenshot(page, f"attack-markdown-{path or 'tong-quan'}")
