"""Every page's controls are reachable with the Tab key alone, and the focused control is visibly marked
(issue 15 item 6: an analyst without a mouse, a screen-reader user).

For each page: the main area's controls (select boxes, multiselects, text and number inputs, buttons, tabs,
toggles, download links) are listed; then Tab is pressed until every one of them has held the focus
(document.activeElement inside it) or a budget of presses runs out. At each stop the focused element must
show a focus mark: an outline or a box-shadow that is not "none" (a visible focus ring).
"""
from __future__ import annotations

import pytest

from screens import PAGES, open_page, page_url

pytestmark = pytest.mark.browser

KEYBOARD_PAGES = [p for p in PAGES if p != "man-hinh-tuong"]  # the wall has no controls: it runs unattended
TAB_BUDGET = 160

MARK_CONTROLS = """() => {
  const main = document.body;  // the main area and the sidebar (the period and area pickers live there)
  const sel = '[data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stTextInput"], ' +
              '[data-testid="stNumberInput"], [data-testid="stButton"], [data-testid="stLinkButton"], ' +
              '[data-testid="stDownloadButton"], [data-baseweb="tab"], [data-testid="stCheckbox"]';
  const found = Array.from(main.querySelectorAll(sel)).filter(e => e.offsetWidth > 0 && e.offsetHeight > 0
      && !e.closest('[data-testid="stExpanderDetails"]') && !e.closest('[hidden]'));
  found.forEach((e, i) => e.setAttribute('data-kb', String(i)));
  return found.map(e => (e.getAttribute('data-testid') || 'tab') + ': ' + (e.innerText || '').trim().slice(0, 40));
}"""
FOCUSED = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const host = a.closest('[data-kb]');
  const style = getComputedStyle(a);
  const ring = (el) => { const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none'); };
  let marked = ring(a);
  for (let el = a.parentElement, up = 0; !marked && el && up < 4; el = el.parentElement, up++) marked = ring(el);
  return {kb: host ? host.getAttribute('data-kb') : null, marked, tag: a.tagName, text: (a.innerText || a.value || '').slice(0, 40)};
}"""


@pytest.mark.parametrize("page_key", KEYBOARD_PAGES)
def test_every_main_control_takes_the_focus_by_tab_and_shows_it(browser, app_url, page_key):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    pg = context.new_page()
    try:
        open_page(pg, page_url(app_url, page_key, "vi"))
        controls = pg.evaluate(MARK_CONTROLS)
        assert controls, f"{page_key}: no control found in the main area"
        pg.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")  # start at the top
        reached, unmarked = set(), []
        for _ in range(TAB_BUDGET):
            pg.keyboard.press("Tab")
            now = pg.evaluate(FOCUSED)
            if now is None:
                continue
            if not now["marked"]:
                unmarked.append(now)
            if now["kb"] is not None:
                reached.add(int(now["kb"]))
            if len(reached) == len(controls):
                break
        missing = [c for i, c in enumerate(controls) if i not in reached]
        assert not missing, f"{page_key}: not reachable by Tab: {missing}"
        assert not unmarked, f"{page_key}: focus not visible on {unmarked[:5]}"
    finally:
        context.close()
