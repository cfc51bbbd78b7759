"""axe-core in the test's page: `assert_accessible(page, "board, dark")` fails with a readable list
of what violates WCAG 2.0/2.1 A and AA.

axe is evaluated through the DevTools protocol (`page.evaluate`), which the pages' strict CSP
(`script-src 'self'`) does not govern: no script tag is added and the CSP is not bypassed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async tags => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations.map(violation => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        helpUrl: violation.helpUrl,
        nodes: violation.nodes.map(node => ({
            target: node.target.map(String).join(" "),
            summary: node.failureSummary,
        })),
    }));
}"""


@functools.cache
def axe_source() -> str:
    if not AXE.exists():
        # A missing tool is a failure, never a skip: scripts/bootstrap installs it with `npm ci`.
        pytest.fail(f"{AXE} is missing: run `npm ci` (scripts/bootstrap does)", pytrace=False)
    return Path(AXE).read_text(encoding="utf-8")


# Nothing in flight: htmx has swapped and settled (it marks what it works on), no transition runs.
QUIET = """() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')
    && document.getAnimations().every(animation => animation.playState !== 'running')"""


def axe_violations(page: Page) -> list[dict]:
    """What axe-core finds in the page once it is quiet (WCAG 2.0 and 2.1, levels A and AA)."""
    page.wait_for_function(QUIET)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;undefined")  # an expression: evaluated, not called
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, label: str) -> None:
    """Fail with rule id, help and target selectors when axe-core finds WCAG A/AA violations."""
    violations = axe_violations(page)
    assert not violations, f"axe-core found accessibility violations on {label} ({page.url}):\n" + describe(violations)
