"""constraints.txt: the exact versions tested, used by the README and CI installs.

pyproject.toml keeps version ranges (for library users); the lock must pin every
dependency inside those ranges, and the runtime dependencies this suite runs with must be
the locked ones (highspy 1.16 changed what reaches stdout: versions matter).
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"]] + [
        Requirement(r) for r in project["optional-dependencies"]["dev"]
    ]


def test_lock_pins_every_dependency_inside_the_pyproject_range() -> None:
    lock = _lock()
    assert "intplan" not in lock
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is not in constraints.txt"
        assert req.specifier.contains(lock[name], prereleases=True), (req, lock[name])


def test_the_suite_runs_with_the_locked_runtime_versions() -> None:
    lock = _lock()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for text in project["dependencies"]:
        name = canonicalize_name(Requirement(text).name)
        assert metadata.version(name) == lock[name], (
            f"{name} {metadata.version(name)} is installed but constraints.txt pins "
            f"{lock[name]}: install with -c constraints.txt, or refresh the lock (README)"
        )


def test_readme_and_ci_install_with_the_lock() -> None:
    for path in (ROOT / "README.md", ROOT / ".ci" / "run"):
        installs = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if "pip install" in line and "--upgrade pip" not in line
        ]
        assert installs, path
        for line in installs:
            assert "-c constraints.txt" in line or "/tmp/lock/" in line, f"{path.name}: {line}"
