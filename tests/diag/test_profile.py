from __future__ import annotations

from pathlib import Path

import pytest

from diag.profile import DEFAULT_PROFILE, load_profile
from reports.errors import ProfileInvalid

GOOD = """
provider = "Example VPN"
endpoint = "https://support.example.net"
probe_servers = ["probe.example.net:4821"]
default_language = "ja"
[support]
email = "help@example.net"
[[vpn_servers]]
name = "Tokyo 1"
host = "tokyo1.example.net"
protocol = "wireguard"
"""


def test_default_profile_loads_and_sends_nowhere() -> None:
    profile = load_profile(DEFAULT_PROFILE, environ={})
    assert profile.endpoint is None
    assert profile.probe_servers == []


def test_profile_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(GOOD)
    profile = load_profile(None, environ={"VPNDIAG_PROFILE": str(path)})
    assert profile.provider == "Example VPN"
    assert profile.vpn_servers[0].protocol == "wireguard"
    assert profile.default_language == "ja"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("provider = 1\n", "provider"),
        ('provider = "x"\nprobe_servers = ["nohost"]\n', "HOST:PORT"),
        ('provider = "x"\nendpoint = "not a url"\n', "endpoint"),
        ('provider = "x"\ncolour = "red"\n', "colour"),
        ("provider = \n", "not valid TOML"),
    ],
)
def test_bad_profile_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ProfileInvalid, match=message):
        load_profile(path, environ={})


def test_missing_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileInvalid, match="does not exist"):
        load_profile(tmp_path / "none.toml", environ={})
