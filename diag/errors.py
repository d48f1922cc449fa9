"""The customer side's errors, below the shared `VpndiagError`."""

from __future__ import annotations

from reports.errors import ProfileInvalid, ReportInvalid, VpndiagError

__all__ = ["ProbeError", "ProfileInvalid", "ReportInvalid", "UploadError", "VpndiagError"]


class ProbeError(VpndiagError):
    """A probe could not be sent at all (no socket, no route, bad target)."""


class UploadError(VpndiagError):
    """The report could not be delivered (it is kept in the outbox)."""
