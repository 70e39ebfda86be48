"""What the screen-review and accessibility suites share: the pages, how to open one and wait until it has
finished drawing, and the measurements a reviewer would otherwise make by eye (leftover "None", a label
cut off). Kept apart from the tests so both suites open pages the same way."""
from __future__ import annotations

import re

PAGES = {
    "tong-quan": "/",
    "ban-do": "/ban-do",
    "ho-so": "/ho-so?xa=10417",  # a commune's profile (without one the page only asks to choose)
    "nganh-kinh-te": "/nganh-kinh-te",
    "xu-huong": "/xu-huong",
    "du-bao": "/du-bao",
    "man-hinh-tuong": "/man-hinh-tuong",
    "du-lieu": "/du-lieu",
    "nhat-ky": "/nhat-ky",  # listed for administrators only; the test account (dev.analyst) is one
}
"""Every page of dashboard.py's menu, by its url_path."""

SIZES = {"1920x1080": (1920, 1080), "1366x768": (1366, 768), "390x844": (390, 844)}
"""The IOC wall and a leader's monitor, an analyst's laptop, a commune official's phone."""

LEFTOVERS = re.compile(r"\b(None|nan|NaN|NaT|Traceback)\b")
"""Words a program leaves on screen when a missing value or an error reaches a user unformatted."""


def page_url(base: str, page: str, lang: str) -> str:
    """The page's address in a language (Vietnamese is the default and is left out of the link)."""
    path = PAGES[page]
    return base + path + (("&" if "?" in path else "?") + "lang=en" if lang == "en" else "")


def open_page(pg, url: str) -> None:
    """Go to `url` and wait until the script has finished its run and the reruns it triggers (the URL
    sync) have finished too, so what is measured is what a user ends up looking at."""
    finished = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    pg.goto(url)
    pg.locator(finished).wait_for(timeout=120_000)
    for _ in range(2):
        pg.wait_for_timeout(700)
        pg.locator(finished).wait_for(timeout=60_000)
    # charts draw after the run: plotly's SVG, and the metric sparklines behind a skeleton until loaded
    pg.wait_for_function("[...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))"
                         " && !document.querySelector('[data-testid^=\"stSkeleton\"], [data-testid=\"stAppSkeleton\"]')",
                         timeout=60_000)


CUT_OFF_JS = r"""
() => {
  const kinds = {
    heading: '[data-testid="stHeading"] h1, [data-testid="stHeading"] h2, [data-testid="stHeading"] h3, '
             + '[data-testid="stMarkdownContainer"] h1, [data-testid="stMarkdownContainer"] h2, '
             + '[data-testid="stMarkdownContainer"] h3',
    metric_label: '[data-testid="stMetricLabel"]',
    metric_value: '[data-testid="stMetricValue"]',
    button: 'button',
    tab: '[role="tab"]',
    nav: '[data-testid="stSidebarNav"] a',
  };
  const clipping = el => {
    const s = getComputedStyle(el);
    return s.overflowX !== 'visible' || s.textOverflow === 'ellipsis' || s.whiteSpace === 'nowrap';
  };
  // on screen (a phone's folded sidebar is moved off it) and not an icon (a ligature wider than its box)
  const shown = el => {
    if (el.clientWidth === 0 || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return r.right > 0 && r.left < innerWidth && !/Material/.test(getComputedStyle(el).fontFamily);
  };
  const out = [];
  for (const [kind, sel] of Object.entries(kinds)) {
    for (const el of document.querySelectorAll(sel)) {
      if (el.closest('.js-plotly-plot, [data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]')) continue;
      if (!shown(el) || !(el.innerText || '').trim()) continue;
      const candidates = [el, ...el.querySelectorAll('*')].filter(c => shown(c) && (c === el || clipping(c))
                            && !c.closest('[data-testid="stIconMaterial"]'));
      for (const c of candidates) {
        if (c.scrollWidth > c.clientWidth + 1) {
          out.push(kind + ': ' + (el.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 90)
                   + ' (' + c.scrollWidth + ' > ' + c.clientWidth + ' px)');
          break;
        }
      }
    }
  }
  return [...new Set(out)];
}
"""


def cut_off_labels(pg) -> list[str]:
    """Headings, metric labels and values, buttons, tabs and menu items whose text is wider than the box
    that shows it (the browser then cuts it or ends it with "…")."""
    return pg.evaluate(CUT_OFF_JS)


def leftovers(text: str) -> list[str]:
    """The lines of `text` that carry a leftover word (None, nan, NaT, Traceback)."""
    return [line.strip()[:120] for line in text.splitlines() if LEFTOVERS.search(line)]


def content_height(pg) -> int:
    """The height of the page's scrolling content: Streamlit scrolls inside its own container, so a "full
    page" screenshot needs a viewport that tall."""
    return pg.evaluate("""() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
        '[data-testid="stMainBlockContainer"]'].map(s => document.querySelector(s)?.scrollHeight || 0))""")
