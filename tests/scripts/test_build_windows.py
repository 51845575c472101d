"""scripts/build_windows.py: the parts that need no download, on small fake inputs.

CI runs the real build (.ci/run, "Windows build"); these tests pin what each step does:
wheels unpacked as an installer would, the runtime's sys.path file, the contents check,
byte-identical rebuilds, and an NSIS script that makensis compiles.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = "9.9.9"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_windows", ROOT / "scripts" / "build_windows.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_windows"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bw = _load_script()


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _fake_embed_zip(tmp_path: Path) -> Path:
    return _zip(
        tmp_path / "python-3.11.9-embed-amd64.zip",
        {
            "python.exe": b"MZ",
            "pythonw.exe": b"MZ",
            "python311.dll": b"MZ",
            "python311.zip": b"PK",
            "python311._pth": b"python311.zip\r\n.\r\n\r\n# Uncomment to run site.main()\r\n",
            "vcruntime140.dll": b"MZ",
            "vcruntime140_1.dll": b"MZ",
        },
    )


def _fake_wheels(tmp_path: Path) -> list[Path]:
    """One wheel holding a stand-in for every package file the contents check names."""
    files = {
        rel.format(v=VERSION).removeprefix("pkgs/"): b"x"
        for _, rel in bw.REQUIRED
        if rel.startswith("pkgs/") and bw.BUNDLE_MARKER not in rel
    }
    files["demo-1.0.data/purelib/demo_pure.py"] = b"pure"
    files["demo-1.0.data/platlib/demo_plat.pyd"] = b"MZ"
    files["demo-1.0.data/scripts/demo"] = b"#!python"
    return [_zip(tmp_path / f"everything-{VERSION}-py3-none-any.whl", files)]


def _assembled(tmp_path: Path, name: str, *, runtime: bool) -> Path:
    inputs = tmp_path / "inputs"
    inputs.mkdir(exist_ok=True)
    tree = tmp_path / name / f"intplan-{VERSION}-win64"
    embed = _fake_embed_zip(inputs) if runtime else None
    bw.assemble(tree, _fake_wheels(inputs), VERSION, embed)
    bw.write_manifest(tree)
    bw.fix_timestamps(tree, 1_700_000_000)
    return tree


def test_wheels_are_unpacked_as_an_installer_would(tmp_path: Path) -> None:
    (wheel,) = _fake_wheels(tmp_path)
    bw.unpack_wheel(wheel, tmp_path / "pkgs")
    assert (tmp_path / "pkgs" / "demo_pure.py").read_bytes() == b"pure"
    assert (tmp_path / "pkgs" / "demo_plat.pyd").is_file()
    assert not list((tmp_path / "pkgs").rglob("demo"))  # console scripts are not needed
    assert not (tmp_path / "pkgs" / "demo-1.0.data").exists()


def test_runtime_path_file_names_the_bundled_packages(tmp_path: Path) -> None:
    tree = _assembled(tmp_path, "a", runtime=True)
    pth = (tree / "Python" / "python311._pth").read_bytes()
    assert pth == b"python311.zip\r\n.\r\n..\\pkgs\r\n"  # no "import site": isolated


def test_a_zip_that_is_not_a_311_embeddable_runtime_is_refused(tmp_path: Path) -> None:
    wrong = _zip(tmp_path / "python-3.12.1-embed-amd64.zip", {"python312._pth": b""})
    with pytest.raises(ValueError, match=r"python-3\.12\.1-embed-amd64\.zip: no python311\._pth"):
        bw.add_runtime(wrong, tmp_path / "tree")


def test_complete_tree_passes_the_contents_check(tmp_path: Path) -> None:
    tree = _assembled(tmp_path, "a", runtime=True)
    assert bw.check_tree(tree, VERSION, runtime_expected=True) == []
    assert (tree / "pkgs" / "intplan" / bw.BUNDLE_MARKER).is_file()
    assert sorted(p.name for p in (tree / "examples").iterdir()) == sorted(bw.EXAMPLES)


def test_contents_check_names_what_is_missing(tmp_path: Path) -> None:
    tree = _assembled(tmp_path, "a", runtime=False)
    (tree / "pkgs" / "llvmlite" / "binding" / "llvmlite.dll").unlink()
    problems = bw.check_tree(tree, VERSION, runtime_expected=True)
    assert "missing llvmlite DLL: pkgs/llvmlite/binding/llvmlite.dll" in problems
    assert "missing Windows Python: Python/python.exe" in problems
    assert "missing Python DLL: Python/python311.dll" in problems


def test_contents_check_refuses_linux_binaries(tmp_path: Path) -> None:
    tree = _assembled(tmp_path, "a", runtime=False)
    (tree / "pkgs" / "numpy" / "_core" / "_umath.cpython-311-x86_64-linux-gnu.so").write_bytes(
        b"\x7fELF"
    )
    (tree / "pkgs" / "cbc").write_bytes(b"\x7fELF\x02\x01")
    problems = bw.check_tree(tree, VERSION, runtime_expected=False)
    assert problems == [
        "Linux binary in a Windows build: pkgs/cbc",
        "Linux binary in a Windows build: pkgs/numpy/_core/_umath.cpython-311-x86_64-linux-gnu.so",
    ]


def test_same_inputs_give_byte_identical_trees_and_zips(tmp_path: Path) -> None:
    one = _assembled(tmp_path, "one", runtime=True)
    two = _assembled(tmp_path, "two", runtime=True)
    manifest = (one / "MANIFEST.txt").read_text(encoding="utf-8")
    assert manifest == (two / "MANIFEST.txt").read_text(encoding="utf-8")
    assert "  pkgs/intplan/__init__.py\n" in manifest
    bw.deterministic_zip(one, tmp_path / "one.zip", 1_700_000_000)
    bw.deterministic_zip(two, tmp_path / "two.zip", 1_700_000_000)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_installer_script_is_per_user_and_offline() -> None:
    nsi = (ROOT / "scripts" / "windows" / "installer.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in nsi
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\intplan"' in nsi
    assert '"$INSTDIR\\Python\\pythonw.exe" "-m intplan.cli gui"' in nsi  # the GUI, no console
    assert "HKLM" not in nsi and "NSISdl" not in nsi and "inetc" not in nsi


needs_makensis = pytest.mark.skipif(
    shutil.which("makensis") is None, reason="makensis (Debian package nsis) not installed"
)


@needs_makensis
@pytest.mark.parametrize("runtime", [True, False], ids=["installer", "check-only"])
def test_makensis_compiles_the_installer(tmp_path: Path, runtime: bool) -> None:
    tree = _assembled(tmp_path, "a", runtime=runtime)
    out = tmp_path / "setup.exe"
    bw.makensis(tree, VERSION, out, no_runtime=not runtime)
    assert out.read_bytes()[:2] == b"MZ"


def test_missing_runtime_zip_is_reported_before_any_download(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = bw.main(
        ["--python-embed", str(tmp_path / "nope.zip"), "--out", str(tmp_path / "out"),
         "--work", str(tmp_path / "work")]
    )  # fmt: skip
    assert code == 1
    assert (
        f"[FAILED] --python-embed {tmp_path / 'nope.zip'}: no such file" in capsys.readouterr().out
    )
    assert not (tmp_path / "out").exists()


def test_script_runs_as_a_command() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_windows.py"), "--help"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "--python-embed" in done.stdout and "--require-runtime" in done.stdout


@needs_makensis
@pytest.mark.slow
@pytest.mark.skipif(bw.find_wine64() is None, reason="wine64 (Debian package) not installed")
def test_installer_installs_and_uninstalls_per_user_under_wine(tmp_path: Path) -> None:
    """The real (with-runtime) installer, run silently under wine64 as an ordinary user:
    files in %LOCALAPPDATA%\\Programs\\intplan, Start-menu shortcuts, a per-user
    "Installed apps" entry; the uninstaller removes them. (The runtime is a stand-in, so
    this tests the installer, not Python.)"""
    tree = _assembled(tmp_path, "a", runtime=True)
    setup = tmp_path / "intplan-setup.exe"
    bw.makensis(tree, VERSION, setup, no_runtime=False)
    env = {**os.environ, "WINEPREFIX": str(tmp_path / "prefix"), "WINEDEBUG": "-all"}
    wine = str(bw.find_wine64())

    def run(*args: str) -> None:
        subprocess.run([wine, *args], env=env, check=True, timeout=300, capture_output=True)
        subprocess.run([wine.replace("wine64", "wineserver64"), "-w"], env=env, timeout=60)

    run(str(setup), "/S")
    (user,) = (tmp_path / "prefix" / "drive_c" / "users").glob("[!P]*")  # not Public
    installed = user / "AppData" / "Local" / "Programs" / "intplan"
    menu = user / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/intplan"
    assert (installed / "pkgs" / "intplan" / "__init__.py").is_file()
    assert (installed / "Python" / "pythonw.exe").is_file()
    assert (installed / "examples" / "tiny.xlsx").is_file()
    assert (menu / "intplan.lnk").is_file() and (menu / "intplan example workbooks.lnk").is_file()
    user_reg = (tmp_path / "prefix" / "user.reg").read_text(encoding="utf-8", errors="replace")
    assert '"DisplayVersion"="9.9.9"' in user_reg
    system_reg = (tmp_path / "prefix" / "system.reg").read_text(encoding="utf-8", errors="replace")
    assert "Uninstall\\\\intplan]" not in system_reg  # nothing machine-wide

    run(str(installed / "uninstall.exe"), "/S", f"_?={installed_windows_path(user)}")
    assert not (installed / "pkgs").exists() and not (installed / "Python").exists()
    assert not menu.exists()


def installed_windows_path(user: Path) -> str:
    return f"C:\\users\\{user.name}\\AppData\\Local\\Programs\\intplan"


def test_llvmlite_dll_imports_must_be_where_windows_will_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _assembled(tmp_path, "a", runtime=True)
    imports = ["KERNEL32.dll", "api-ms-win-crt-heap-l1-1-0.dll", "msvcp140-8f14.dll",
               "VCRUNTIME140_1.dll"]  # fmt: skip
    monkeypatch.setattr(bw, "dll_imports", lambda dll: imports)
    (tree / "pkgs" / "PySide6" / "msvcp140-8f14.dll").write_bytes(b"MZ")  # not on its path
    assert bw.check_tree(tree, VERSION, runtime_expected=True) == [
        "llvmlite.dll imports msvcp140-8f14.dll, which is not in the build"
    ]
    (tree / "pkgs" / "llvmlite.libs").mkdir()
    (tree / "pkgs" / "llvmlite.libs" / "msvcp140-8f14.dll").write_bytes(b"MZ")
    assert bw.check_tree(tree, VERSION, runtime_expected=True) == []
