"""One exception hierarchy: callers catch at the level they care about.

Messages are sentences meant for a person, with the next step; the CLI prints them without a traceback.
"""

from __future__ import annotations


class VpndiagError(Exception):
    """Anything vpndiag reports to a person instead of crashing."""


class ReportInvalid(VpndiagError):
    """A report file or upload that does not match the contract."""


class ProfileInvalid(VpndiagError):
    """A provider profile that does not validate."""
