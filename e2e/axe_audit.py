"""Count axe-core's WCAG 2.0/2.1/2.2 A and AA violations on every page, at 1280×900 and at 390 px.

    python -m e2e.axe_audit            # one line per page and viewport, then one JSON line with every count
    python -m e2e.axe_audit --detail   # also every violating element

"all" counts every violating element; "course" leaves out those listed in e2e/axe_streamlit.json.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from e2e.axe import axe_violations, owner_of, streamlit_owned
from e2e.browser import chromium, streamlit_server, wait_for_idle
from ui.nav import all_pages

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def main(detail: bool = False) -> dict:
    known = streamlit_owned()
    counts = {}
    with chromium() as browser, streamlit_server() as url:
        for name, viewport in VIEWPORTS.items():
            page = browser.new_page(viewport=viewport)
            page.set_default_timeout(90_000)
            for spec in all_pages():
                page.goto(f"{url}/{spec.url_path}")
                wait_for_idle(page)
                page.wait_for_timeout(800)
                found = axe_violations(page)
                course = [v for v in found if owner_of(v, known) is None]
                counts[f"{spec.url_path}@{name}"] = {"all": len(found), "course": len(course)}
                rules = Counter(v["rule"] for v in course)
                print(f"{spec.url_path:12} {name:8} all={len(found):3} course={len(course):3} {dict(rules)}")
                if detail:
                    for v in found:
                        mark = "  " if owner_of(v, known) else "* "
                        print(f"   {mark}{v['rule']:28} {v['target'][:110]}  {v['html'][:120]!r}")
            page.close()
    return counts


if __name__ == "__main__":
    print(json.dumps(main("--detail" in sys.argv)))
