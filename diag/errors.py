"""The customer side's errors, below the shared `VpndiagError`."""

from __future__ import annotations

from reports.errors import ProfileInvalid, ReportInvalid, VpndiagError

__all__ = ["OutputUnreadable", "ProbeError", "ProfileInvalid", "ReportInvalid", "UploadError", "VpndiagError"]


class ProbeError(VpndiagError):
    """A probe could not be sent at all (no socket, no route, bad target)."""


class UploadError(VpndiagError):
    """The report could not be delivered (it is kept in the outbox)."""


class OutputUnreadable(VpndiagError, ValueError):
    """An OS tool printed something its parser cannot read (garbage, truncated, another tool's format).

    A ValueError too, so a check that already catches ValueError records it as the reason."""
