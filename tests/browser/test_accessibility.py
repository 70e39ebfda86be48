"""Accessibility: axe-core (npm, pinned in package.json; `./test.sh` installs it with `npm ci`) injected
into every page in Vietnamese on an analyst's laptop (1366×768) finds no serious or critical violation.

Where axe cannot judge (a status carried by colour alone, keyboard reach of every control) the page tests
check the words themselves; this suite is the automatic floor, the same rules a public-sector audit runs.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from screens import PAGES, open_page, page_url

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(pg, axe_file: Path = AXE) -> list[dict]:
    """axe-core's violations on the page as it is now, serious and critical ones only."""
    pg.add_script_tag(path=str(axe_file))
    result = pg.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' | ' + (n.failureSummary || '').split('\\n').slice(1, 3).join(' '))}));
    }""")
    return [v for v in result if v["impact"] in BLOCKING]


@pytest.mark.parametrize("page_key", list(PAGES))
def test_no_serious_violation(browser, app_url, page_key):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: ./test.sh runs `npm ci` (package-lock.json pins it)")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    pg = context.new_page()
    try:
        open_page(pg, page_url(app_url, page_key, "vi"))
        found = axe_violations(pg)
        report = "\n".join(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements)\n    "
                           + "\n    ".join(v["nodes"][:6]) for v in found)
        assert not found, f"{page_key}:\n{report}"
    finally:
        context.close()
