"""Language-free findings and fixes, rendered into the report's language at the end.

Rules decide *what* is wrong from measurements and name their messages by catalog key with named fields; only
`render_*` turns them into text. So the server can re-render a stored report in the other language, and a test can
render every rule in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reports.i18n import Catalog, Lang
from reports.model import EvidenceValue, Finding, Fix, FixStep, Platform, Severity


@dataclass(frozen=True)
class Msg:
    """One whole sentence (or title) from a catalog, with its named fields."""

    catalog: Catalog
    key: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        return self.catalog.text(self.key, lang, **self.fields)


@dataclass(frozen=True)
class Observation:
    """A finding before it has words: the id, how bad, how sure, and the measured values it rests on."""

    id: str
    severity: Severity
    confidence: float
    evidence: Mapping[str, EvidenceValue]
    title: Msg
    detail: Msg


@dataclass(frozen=True)
class Step:
    platform: Platform
    text: Msg
    command: str | None = None


# Fix ranks: the change that removes the cause comes first, then the network's own repair, then workarounds,
# then general advice. Ties keep the order the families produce them in.
RANK_CAUSE = 10
RANK_NETWORK = 20
RANK_WORKAROUND = 30
RANK_ADVICE = 40


@dataclass(frozen=True)
class Remedy:
    """A fix before it has words. `finding_ids` must all be findings of this report: no fix without a finding."""

    id: str
    finding_ids: tuple[str, ...]
    title: Msg
    steps: tuple[Step, ...]
    rank: int = RANK_ADVICE


SEVERITY_ORDER = {Severity.critical: 0, Severity.warning: 1, Severity.info: 2}


def render_finding(observation: Observation, lang: Lang) -> Finding:
    return Finding(
        id=observation.id,
        severity=observation.severity,
        title=observation.title.text(lang),
        detail=observation.detail.text(lang),
        evidence=dict(observation.evidence),
        confidence=round(observation.confidence, 2),
    )


def render_fix(remedy: Remedy, lang: Lang) -> Fix:
    return Fix(
        id=remedy.id,
        finding_ids=list(remedy.finding_ids),
        title=remedy.title.text(lang),
        steps=[FixStep(platform=s.platform, text=s.text.text(lang), command=s.command) for s in remedy.steps],
    )
