"""Hostile reports in the staff UI, in a real headless Chromium (issue 10): an attack string in every free-text field
of a report (hostile.py builds it from the model's schema), in the staff-typed assignee and notes, in a staff name,
and reflected through the filters, the login page's `next` and a report key, all render as text.

The browser context ignores the page's Content-Security-Policy (bypass_csp): the CSP alone would stop a script, so
this proves the escaping itself. A failure shows as a dialog (alert), as an element the attack added (any `on...`
attribute, a script, an img), or as a payload missing from the page's text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from reports.server.app import CONTENT_SECURITY_POLICY
from tests.conftest import count_figure
from tests.reports.server.hardening.conftest import PASSWORD, ServeProcess, create_staff
from tests.reports.server.hardening.hostile import as_json_text, hostile_report, xss_payload
from tests.server.test_browser import CHROMIUM, CHROMIUM_ARGS, require_browser

pytestmark = pytest.mark.browser

STAFF_NAME = "<b onmouseover=alert(900)>alice</b>"
# What an attack would leave in the DOM: none of the staff pages has a script or an img of its own, nor any
# inline event handler.
INJECTED_ELEMENTS = """() => {
  const handlers = [...document.querySelectorAll('*')].filter(
    e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on')));
  return handlers.length + document.querySelectorAll('script, img, iframe, object, embed').length;
}"""
# A filter value is cut to 64 characters by the list page: this break-out fits.
SHORT_PAYLOAD = "\"><script>alert(800)</script>' onfocus=alert(801) autofocus x='"


@pytest.fixture
def hostile_server(tmp_path: Path) -> Iterator[ServeProcess]:
    db = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    create_staff(db, STAFF_NAME)
    server = ServeProcess(db, tmp_path / "serve.log", "--rate-limit", "0")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(hostile_server: ServeProcess) -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
            browser_page = context.new_page()
            browser_page.set_default_timeout(15_000)
            yield browser_page
        finally:
            browser.close()


def assert_nothing_ran(page: Any, dialogs: list[str], where: str) -> None:
    page.wait_for_timeout(100)  # an autofocus/onload handler fires right after load
    assert dialogs == [], f"{where}: a payload ran: {dialogs}"
    assert page.evaluate(INJECTED_ELEMENTS) == 0, f"{where}: the page has elements or handlers an attack added"
    count_figure("pages checked in the browser with hostile content")


def test_every_report_string_renders_as_text(hostile_server: ServeProcess, page: Any) -> None:
    base = hostile_server.base
    data, placed = hostile_report()
    uploaded = httpx.post(f"{base}/api/v1/reports", json=data, timeout=30)
    assert uploaded.status_code == 201, uploaded.text
    reference = uploaded.json()["reference"]
    count_figure("inputs tried: hostile strings in the staff UI", len(placed) + 6)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # Reflected before login: `next` goes into a hidden field of the login form.
    page.goto(f"{base}/staff/login?" + urlencode({"next": "/staff/reports?q=" + SHORT_PAYLOAD}))
    assert_nothing_ran(page, dialogs, "login page")
    page.fill("input[name=name]", STAFF_NAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/staff/reports?q=" in url)
    assert_nothing_ran(page, dialogs, "list after login")
    assert STAFF_NAME in page.locator("header .who").inner_text()

    # The report page: every attacked field shows as text, in its section or in the JSON view.
    page.goto(f"{base}/staff/reports/{reference}")
    assert_nothing_ran(page, dialogs, "report page")
    page.click("details summary")
    text = page.locator("main").inner_text()
    missing = [path for path, payload in placed.items() if payload not in text and as_json_text(payload) not in text]
    assert missing == [], f"attacked fields not shown as text: {missing}"
    shown_in_sections = page.locator("main > section").all_inner_texts()
    in_sections = sum(any(payload in section for section in shown_in_sections) for payload in placed.values())
    count_figure("hostile strings shown as text outside the JSON view", in_sections)
    # The sections themselves show half the fields or more (the rest are in the JSON view only): the escaping of
    # the page's own markup is exercised, not only that of one <pre>.
    assert in_sections >= len(placed) // 2

    # Staff-typed text is untrusted too (a colleague's note is shown to everyone).
    assignee, notes = xss_payload(700)[:128], xss_payload(701)
    page.fill("input[name=assignee]", assignee)
    page.fill("textarea[name=notes]", notes)
    page.click("section.review form:not(.inline) button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("?saved=1"))
    assert_nothing_ran(page, dialogs, "report page after the review")
    assert page.input_value("input[name=assignee]") == assignee
    assert page.input_value("textarea[name=notes]") == notes

    # The list: the protocol and assignee columns, and every filter reflected into the form.
    page.goto(f"{base}/staff/reports")
    assert_nothing_ran(page, dialogs, "report list")
    row = page.locator("table.reports tbody tr").first.inner_text()
    assert placed["$.vpn.protocol"][:64] in row
    assert assignee in row
    filters = {"q": SHORT_PAYLOAD, "protocol": SHORT_PAYLOAD, "finding": SHORT_PAYLOAD, "pmtu_min": SHORT_PAYLOAD}
    page.goto(f"{base}/staff/reports?" + urlencode(filters))
    assert_nothing_ran(page, dialogs, "filtered list")
    assert page.input_value("input[name=q]") == SHORT_PAYLOAD
    assert "whole number" in page.locator("main").inner_text()  # the bad pmtu_min is named, not run

    page.goto(f"{base}/staff/dashboard")
    assert_nothing_ran(page, dialogs, "dashboard")
    page.goto(f"{base}/staff/reports/{quote(SHORT_PAYLOAD, safe='')}")
    assert_nothing_ran(page, dialogs, "not-found page")


def test_staff_pages_send_a_policy_that_allows_no_script(hostile_server: ServeProcess) -> None:
    """The second line of defence the browser test bypassed: every staff page forbids scripts and framing."""
    answer = httpx.get(f"{hostile_server.base}/staff/login", timeout=10)
    policy = answer.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert json.loads(httpx.get(f"{hostile_server.base}/healthz", timeout=10).text) == {"status": "ok"}
