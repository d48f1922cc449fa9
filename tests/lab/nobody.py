"""Running vpndiag as the unprivileged user `nobody` (issue 10), from a throwaway copy it can read.

The test interpreter may live where `nobody` cannot go (pyenv under /root, a checkout in a home folder), and the
tests must not loosen permissions there. So the modules a real `vpndiag run` imports - found by running it once as
root and listing `sys.modules` - are copied with the interpreter and its shared library into a world-readable
temporary folder, and `nobody` runs that copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

NOBODY = ("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")
NOBODY_UID = 65534

# Run as root with the same arguments as the later unprivileged run: every module it imports is listed.
_LIST_MODULES = """
import atexit, json, runpy, sys
listing = sys.argv[1]
def dump():
    files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    with open(listing, "w") as out:
        json.dump(sorted({f for f in files if f}), out)
atexit.register(dump)
sys.argv = ["vpndiag", *sys.argv[2:]]
try:
    runpy.run_module("diag", run_name="__main__")
except SystemExit:
    pass
"""
# Imported lazily on paths the listing run may not take (errors, other languages, fallbacks).
_ALWAYS = ("encodings", "json", "asyncio", "concurrent", "email", "importlib", "logging", "zoneinfo")
_SKIP = {"__pycache__", "test", "tests", "idlelib", "tkinter", "ensurepip", "lib2to3", "turtledemo"}


@dataclass(frozen=True)
class NobodyPython:
    """`argv + ["-m", "diag", ...]` runs vpndiag as nobody; `home` is a folder nobody may write."""

    argv: list[str]
    env: dict[str, str]
    home: Path
    folder: Path

    def python(self, *args: str, path: str | None = None) -> list[str]:
        """The command line that runs this Python as nobody, with a clean environment (PATH may be replaced)."""
        env = {**self.env, "PATH": path} if path is not None else self.env
        return [*NOBODY, "env", "-i", *(f"{k}={v}" for k, v in env.items()), *self.argv, *args]

    def vpndiag(self, *args: str, path: str | None = None) -> list[str]:
        return self.python("-m", "diag", *args, path=path)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _top_level(path: Path, roots: list[Path]) -> tuple[Path, Path] | None:
    """(root, first part below it) for a module file under one of `roots`."""
    for root in roots:
        if path.is_relative_to(root):
            relative = path.relative_to(root)
            return root, root / relative.parts[0]
    return None


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, ignore=lambda _d, names: [n for n in names if n in _SKIP], dirs_exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def nobody_python(listing_run: list[str], namespace: str) -> NobodyPython:
    """A copy of this interpreter with what `vpndiag <listing_run>` imports, readable and runnable by nobody."""
    folder = Path(tempfile.mkdtemp(prefix="vpndiag-nobody-"))
    modules_file = folder / "modules.json"
    subprocess.run(
        ["ip", "netns", "exec", namespace, sys.executable, "-c", _LIST_MODULES, str(modules_file), *listing_run],
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
    )
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    site = Path(sysconfig.get_paths()["purelib"])
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    py = folder / "python"
    targets = {stdlib: py / "lib" / version, site: py / "site-packages", ROOT: py / "src"}
    roots = sorted(targets, key=lambda p: len(p.parts), reverse=True)  # the most specific root first
    wanted = {stdlib / name for name in _ALWAYS}
    for name in json.loads(modules_file.read_text()):
        found = _top_level(Path(name), roots)
        if found is not None:
            wanted.add(found[1])
    for source in sorted(wanted):
        if source.exists() and source.name not in _SKIP:
            root = next(r for r in roots if source.is_relative_to(r))
            _copy(source, targets[root] / source.relative_to(root))
    dynload = stdlib / "lib-dynload"
    if dynload.is_dir():
        _copy(dynload, targets[stdlib] / "lib-dynload")
    binary = Path(os.path.realpath(sys.executable))
    _copy(binary, py / "bin" / "python3")
    libdir = Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent")
    ldlibrary = sysconfig.get_config_var("INSTSONAME") or ""
    if ldlibrary and (libdir / ldlibrary).exists():
        _copy(libdir / ldlibrary, py / "lib" / ldlibrary)
    home = folder / "home"
    home.mkdir()
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() or path.name == "python3" else 0o644)
    home.chmod(0o777)
    env = {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "HOME": str(home),
        "PYTHONHOME": str(py),
        "PYTHONPATH": os.pathsep.join([str(py / "src"), str(py / "site-packages")]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LD_LIBRARY_PATH": str(py / "lib"),
        "LANG": "C.UTF-8",
        "VPNDIAG_DATA_DIR": str(home / "data"),
    }
    return NobodyPython([str(py / "bin" / "python3"), "-s"], env, home, folder)
