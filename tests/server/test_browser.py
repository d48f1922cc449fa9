"""The staff UI in a real headless Chromium (Debian's package driven by Playwright): a support person's day.

Login -> list -> open a report -> mark it resolved; and a hostile report whose strings must stay text (no dialog).
Set VPNDIAG_SCREENSHOT_DIR to keep a screenshot of the report page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reports.server.accounts import Accounts
from reports.server.db import migrate, open_engine
from tests.conftest import lab_required
from tests.server.conftest import RunningServer, report_dict

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS = "<script>alert(1)</script>"
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.browser


def require_browser() -> None:
    problems = []
    if not Path(CHROMIUM).exists():
        problems.append(f"{CHROMIUM} is not installed (apt-get install chromium; scripts/system-packages does it)")
    if shutil.which("chromium") is None and not problems:
        problems.append("chromium is not on PATH")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is missing (pip install -e .[dev])")
    if problems:
        message = "browser test: " + "; ".join(problems)
        if lab_required():
            pytest.fail(f"VPNDIAG_REQUIRE_LAB=1 but {message}")
        pytest.skip(message)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    db = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    engine = open_engine(db)
    migrate(engine)
    Accounts(engine).create_staff("alice", PASSWORD)
    engine.dispose()
    running = RunningServer(db, "--rate-limit", "0")
    yield running
    running.stop()


@pytest.fixture
def browser_page() -> Iterator[Any]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()


def hostile_report() -> dict[str, Any]:
    data = report_dict()
    data["adapters"][0]["name"] = XSS
    data["findings"][0]["title"] = XSS
    data["privacy"] = {"consent": True, "message": f"It drops every few minutes {XSS}"}
    return data


def test_login_list_open_and_resolve_with_hostile_strings(
    server: RunningServer, browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    healthy = httpx.post(f"{server.base}/api/v1/reports", json=report_dict("healthy"), timeout=10).json()
    hostile = httpx.post(f"{server.base}/api/v1/reports", json=hostile_report(), timeout=10).json()

    page.goto(f"{server.base}/staff/reports")
    assert "/staff/login" in page.url
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/reports")
    rows = page.locator("table.reports tbody tr")
    assert rows.count() == 2
    assert healthy["reference"] in rows.nth(1).inner_text()

    page.click(f"text={hostile['reference']}")
    page.wait_for_url(f"**/staff/reports/{hostile['reference']}")
    adapters = page.locator("section", has=page.locator("h2", has_text="Adapters")).inner_text()
    assert XSS in adapters  # shown as text, not run
    assert page.locator("script").count() == 0
    assert page.locator(".probe-chart svg circle").count() > 5
    screenshot = tmp_path / "report-page.png"
    page.screenshot(path=str(screenshot), full_page=True)
    if os.environ.get("VPNDIAG_SCREENSHOT_DIR"):
        keep = Path(os.environ["VPNDIAG_SCREENSHOT_DIR"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, keep / "report-page.png")

    page.click("button.resolve")
    page.wait_for_url("**?saved=1")
    assert "Resolved" in page.locator("h1 .status").inner_text()
    assert page.locator("button.resolve").count() == 0

    page.goto(f"{server.base}/staff/reports?status=resolved")
    resolved = page.locator("table.reports tbody").inner_text()
    assert hostile["reference"] in resolved
    assert healthy["reference"] not in resolved
    page.goto(f"{server.base}/staff/dashboard")
    assert page.locator("svg").count() >= 2
    assert dialogs == []
