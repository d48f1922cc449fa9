"""The server's own diagnosis of an uploaded report: the same rules the customer's tool ran, re-run here.

Staff see both: the customer's (what the customer was told) and the server's (current rules, which may be newer).
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field

from reports.model import Finding, Fix, Report


class ServerDiagnosis(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: list[Finding] = Field(default_factory=list)
    fixes: list[Fix] = Field(default_factory=list)


class _ApplyRules(Protocol):
    def __call__(self, report: Report, lang: Any = None) -> Report: ...


def _apply_rules() -> _ApplyRules | None:
    # TODO(rules branch): reports.rules.apply_rules lands with issue 6. Until it is merged there are no server-side
    # rules, and the server's diagnosis stays None (shown as "not re-diagnosed") rather than a made-up one.
    import reports.rules

    found = getattr(reports.rules, "apply_rules", None)
    return cast(_ApplyRules, found) if callable(found) else None


def rediagnose(report: Report) -> ServerDiagnosis | None:
    """The findings and fixes the server's rules give for this report, or None when the server has no rules."""
    apply_rules = _apply_rules()
    if apply_rules is None:
        return None
    diagnosed = apply_rules(report, report.lang)
    return ServerDiagnosis(findings=diagnosed.findings, fixes=diagnosed.fixes)
