"""The staff web UI through HTTP: login, sessions, CSRF, escaping of hostile report strings, review, dashboard."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient
from httpx import Response

from reports.model import ProbeOutcome
from reports.probe_chart import MAX_DRAWN_PROBES
from reports.server.charts import OUTCOME_COLOURS
from tests.conftest import FULL_PATHS, FULL_PROBES, full_of_probes
from tests.server.conftest import report_dict

XSS = "<script>alert(1)</script>"
PASSWORD = "correct horse battery"
SVG = "{http://www.w3.org/2000/svg}"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "form without a CSRF token"
    return found.group(1)


def post_login(
    client: TestClient, name: str = "alice", password: str = PASSWORD, next_page: str = "/staff/reports"
) -> Response:
    form = client.get("/staff/login")
    return client.post(
        "/staff/login",
        data={"name": name, "password": password, "csrf_token": _csrf(form.text), "next": next_page},
        follow_redirects=False,
    )


def log_in(client: TestClient, password: str = PASSWORD, next_page: str = "/staff/reports") -> tuple[int, str]:
    answer = post_login(client, password=password, next_page=next_page)
    return answer.status_code, answer.headers.get("location", "")


def hostile_report() -> dict[str, object]:
    data = report_dict()
    data["adapters"][0]["name"] = XSS
    data["adapters"][0]["description"] = '"><img src=x onerror=alert(2)>'
    data["findings"][0]["title"] = XSS
    data["findings"][0]["evidence"] = {XSS: XSS}
    data["paths"][0]["target"] = XSS
    data["privacy"] = {"consent": True, "message": XSS, "contact_email": "a@b.invalid"}
    return data


def test_pages_need_a_login_and_remember_where_to_go(client: TestClient, staff_token: str) -> None:
    answer = client.get("/staff/reports?status=new", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/login?next=%2Fstaff%2Freports%3Fstatus%3Dnew"
    assert log_in(client, next_page="/staff/reports?status=new") == (303, "/staff/reports?status=new")


def test_wrong_password_and_foreign_next_are_refused(client: TestClient, staff_token: str) -> None:
    assert log_in(client, password="wrong password")[0] == 401
    assert log_in(client, next_page="//evil.invalid/") == (303, "/staff/reports")


def test_login_without_the_form_token_is_refused(client: TestClient, staff_token: str) -> None:
    client.get("/staff/login")
    answer = client.post("/staff/login", data={"name": "alice", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 403
    assert "vpndiag_session" not in client.cookies


def test_session_cookie_flags(client: TestClient, staff_token: str) -> None:
    form = client.get("/staff/login")
    answer = client.post(
        "/staff/login",
        data={"name": "alice", "password": PASSWORD, "csrf_token": _csrf(form.text)},
        follow_redirects=False,
    )
    cookie = next(value for value in answer.headers.get_list("set-cookie") if value.startswith("vpndiag_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/staff" in cookie
    assert "Secure" not in cookie  # plain http on loopback; https sets Secure


def test_session_cookie_is_secure_over_https(client: TestClient, staff_token: str) -> None:
    https = TestClient(client.app, base_url="https://testserver")
    form = https.get("/staff/login")
    answer = https.post(
        "/staff/login",
        data={"name": "alice", "password": PASSWORD, "csrf_token": _csrf(form.text)},
        follow_redirects=False,
    )
    cookie = next(value for value in answer.headers.get_list("set-cookie") if value.startswith("vpndiag_session="))
    assert "Secure" in cookie


def test_hostile_strings_render_as_text_everywhere(client: TestClient, staff_token: str) -> None:
    reference = client.post("/api/v1/reports", json=hostile_report()).json()["reference"]
    log_in(client)
    for page in (f"/staff/reports/{reference}", "/staff/reports", "/staff/dashboard", f"/staff/reports?q={XSS}"):
        html = client.get(page).text
        assert "<script" not in html.lower(), page
        assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", ""), page
    report_page = client.get(f"/staff/reports/{reference}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report_page.text
    assert "script-src" not in report_page.headers["content-security-policy"]
    assert "default-src 'none'" in report_page.headers["content-security-policy"]


def test_report_page_draws_the_probe_chart(client: TestClient, staff_token: str) -> None:
    data = report_dict()
    probes = data["paths"][0]["probes"]
    reference = client.post("/api/v1/reports", json=data).json()["reference"]
    log_in(client)
    page = client.get(f"/staff/reports/{reference}").text
    figure = re.search(r'<figure class="probe-chart">\s*(<svg.*?</svg>)', page, re.S)
    assert figure is not None
    svg = ET.fromstring(figure.group(1))
    dots = list(svg.iter(f"{SVG}circle"))
    # One dot a probe in the order sent, coloured by what came back; the path MTU as a line with its label.
    assert [dot.get("fill") for dot in dots] == [OUTCOME_COLOURS[ProbeOutcome(p["outcome"])] for p in probes]
    assert dots[0].findtext(f"{SVG}title") == f"probe 1: {probes[0]['size']} bytes, {probes[0]['outcome']}"
    assert "path MTU 1400" in [text.text for text in svg.iter(f"{SVG}text")]
    assert len([line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray")]) == 1


NOT_SHOWN = "{} more probes not shown; they are in the report's JSON."


def test_a_normal_report_page_shows_every_probe_and_its_json(client: TestClient, staff_token: str) -> None:
    data = report_dict()
    reference = client.post("/api/v1/reports", json=data).json()["reference"]
    log_in(client)
    page = client.get(f"/staff/reports/{reference}").text
    assert page.count("<circle ") == len(data["paths"][0]["probes"])
    assert "more probes not shown" not in page
    assert '<pre class="json">' in page


def test_a_report_full_of_probes_draws_at_most_the_cap_and_says_how_many_more(
    client: TestClient, staff_token: str
) -> None:
    """22 paths x 4096 probes drew 90,112 dots into 29 MB of HTML; now a bounded page, and the JSON downloads."""
    body = gzip.compress(json.dumps(full_of_probes(report_dict())).encode())  # 7.7 MB: over the wire limit plain
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    reference = client.post("/api/v1/reports", content=body, headers=headers).json()["reference"]
    log_in(client)
    page = client.get(f"/staff/reports/{reference}").text
    assert len(page.encode()) < 1_500_000
    assert page.count("<circle ") == FULL_PATHS * MAX_DRAWN_PROBES
    assert page.count(NOT_SHOWN.format(FULL_PROBES - MAX_DRAWN_PROBES)) == FULL_PATHS
    assert '<pre class="json">' not in page  # too large to show inline: a link to all of it instead
    assert f'href="/staff/reports/{reference}/report.json"' in page
    download = client.get(f"/staff/reports/{reference}/report.json")
    assert download.headers["content-type"] == "application/json"
    assert "attachment" in download.headers["content-disposition"]
    assert [len(path["probes"]) for path in download.json()["paths"]] == [FULL_PROBES] * FULL_PATHS


def test_the_json_download_needs_a_login(client: TestClient, staff_token: str) -> None:
    reference = client.post("/api/v1/reports", json=report_dict()).json()["reference"]
    answer = client.get(f"/staff/reports/{reference}/report.json", follow_redirects=False)
    assert answer.status_code == 303
    log_in(client)
    assert client.get("/staff/reports/XXXX-XXXX/report.json").status_code == 404


def test_review_form_needs_csrf_and_updates(client: TestClient, staff_token: str) -> None:
    reference = client.post("/api/v1/reports", json=report_dict()).json()["reference"]
    log_in(client)
    page = client.get(f"/staff/reports/{reference}")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "path MTU 1400" in page.text
    forged = client.post(f"/staff/reports/{reference}/review", data={"status": "resolved"}, follow_redirects=False)
    assert forged.status_code == 403
    saved = client.post(
        f"/staff/reports/{reference}/review",
        data={"status": "resolved", "assignee": "alice", "notes": "fixed", "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    after = client.get(saved.headers["location"]).text
    assert "Saved." in after
    assert 'value="resolved" selected' in after
    listed = client.get("/staff/reports?status=resolved").text
    assert reference in listed


def test_list_filters_paging_and_dashboard(client: TestClient, staff_token: str) -> None:
    references = [client.post("/api/v1/reports", json=report_dict()).json()["reference"] for _ in range(3)]
    healthy = client.post("/api/v1/reports", json=report_dict("healthy")).json()["reference"]
    log_in(client)
    blackholes = client.get("/staff/reports?finding=pmtud_blackhole").text
    assert all(reference in blackholes for reference in references)
    assert healthy not in blackholes
    bad = client.get("/staff/reports?pmtu_min=abc")
    assert bad.status_code == 200
    assert "must be a whole number" in bad.text
    board = client.get("/staff/dashboard").text
    assert "pmtud_blackhole" in board
    assert "Path MTU histogram" in board


def test_logout_ends_the_session(client: TestClient, staff_token: str) -> None:
    log_in(client)
    page = client.get("/staff/reports")
    assert (
        client.post("/staff/logout", data={"csrf_token": _csrf(page.text)}, follow_redirects=False).status_code == 303
    )
    assert client.get("/staff/reports", follow_redirects=False).status_code == 303


def test_csv_export_from_the_list_keeps_the_filters(client: TestClient, staff_token: str) -> None:
    blackhole = client.post("/api/v1/reports", json=report_dict()).json()["reference"]
    healthy = client.post("/api/v1/reports", json=report_dict("healthy")).json()["reference"]
    assert client.get("/staff/reports/export.csv", follow_redirects=False).status_code == 303
    log_in(client)
    listed = client.get("/staff/reports?finding=pmtud_blackhole").text
    link = re.search(r'href="(/staff/reports/export\.csv\?[^"]*)"', listed)
    assert link is not None
    exported = client.get(link.group(1).replace("&amp;", "&"))
    assert exported.headers["content-type"].startswith("text/csv")
    assert blackhole in exported.text
    assert healthy not in exported.text
