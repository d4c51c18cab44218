"""axe-core in the browser tests: run the pinned copy in e2e/vendor on a page, and sort what it finds into the
course's own violations and Streamlit's (listed once, with their upstream issues, in e2e/axe_streamlit.json)."""

from __future__ import annotations

import json
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_SCRIPT = VENDOR / "axe.min.js"  # axe-core 4.14.1 from the npm registry (see vendor/README.md)
STREAMLIT_OWNED = Path(__file__).resolve().parent / "axe_streamlit.json"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """Every WCAG 2.0/2.1/2.2 A and AA violation axe-core finds on the page as it is now: one row per element,
    {"rule", "impact", "target", "within" (the data-testids around it), "html", "summary"}."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
                                             elementRef: true});
          const within = (el) => {  // the data-testid of the element and of every element around it
            const ids = [];
            for (let e = el; e; e = e.parentElement) if (e.dataset && e.dataset.testid) ids.push(e.dataset.testid);
            return ids;
          };
          return r.violations.flatMap(v => v.nodes.map(n => ({
            rule: v.id, impact: n.impact || v.impact, target: n.target.flat().join(' '),
            within: n.element ? within(n.element) : [],
            html: n.html.slice(0, 300), summary: (n.failureSummary || '').slice(0, 400)})));
        }""",
        WCAG_TAGS,
    )
    return results


def streamlit_owned() -> list[dict]:
    """The violations Streamlit's own markup causes: the rule, the Streamlit element (data-testid) it sits in, and
    the upstream issue that tracks it."""
    return json.loads(STREAMLIT_OWNED.read_text())["violations"]


def owner_of(violation: dict, known: list[dict]) -> dict | None:
    """The listed Streamlit-owned entry this violation matches (same rule, inside the same Streamlit element), or
    None."""
    for entry in known:
        if entry["rule"] == violation["rule"] and entry["within"] in violation["within"]:
            return entry
    return None


def sorted_violations(page) -> tuple[list[dict], list[dict]]:
    """(every violation on the page, those no Streamlit-owned entry accounts for: the course's own, or new ones)."""
    known, every = streamlit_owned(), axe_violations(page)
    return every, [v for v in every if owner_of(v, known) is None]


def course_violations(page) -> list[dict]:
    """The violations on the page that no Streamlit-owned entry accounts for: the course's own, or new ones."""
    return sorted_violations(page)[1]
