"""The staff report page draws a watch's timeline as an inline SVG strip chart, hostile text escaped."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.diag.watch.timelines import LOST, OK, build
from tests.server.conftest import report_dict
from tests.server.test_web import XSS, log_in


def _watched_report() -> dict[str, object]:
    data = report_dict()
    events = build(lambda tick: (OK, OK if tick < 4 else LOST, OK), 10)
    events[1] = events[1].model_copy(update={"detail": XSS})
    data["timeline"] = [event.model_dump(mode="json") for event in events]
    return data


def test_report_page_shows_the_timeline_chart(client: TestClient, staff_token: str) -> None:
    reference = client.post("/api/v1/reports", json=_watched_report()).json()["reference"]
    log_in(client)
    html = client.get(f"/staff/reports/{reference}").text
    section = html.split("<h2>Timeline</h2>", 1)[1].split("</section>", 1)[0]
    assert '<figure class="timeline-chart"><svg xmlns="http://www.w3.org/2000/svg" class="vpndiag-timeline"' in section
    assert section.count('data-kind="large_lost"') == 1
    assert "Full-size probe" in section
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section


def test_report_page_without_a_watch_has_no_chart(client: TestClient, staff_token: str) -> None:
    reference = client.post("/api/v1/reports", json=report_dict()).json()["reference"]
    log_in(client)
    assert "vpndiag-timeline" not in client.get(f"/staff/reports/{reference}").text
