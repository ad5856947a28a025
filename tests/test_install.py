"""Installs: the lock files, scripts/install, the workflows' install steps and the built wheel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
import zipfile
from pathlib import Path

from conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


# What `satudata init` copies from the repository root into a new catalog (pipeline.project in the wheel).
PROJECT_DATA = ("docs", "requirements")


def test_every_package_is_listed_for_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    mapped = PYPROJECT["tool"]["setuptools"]["package-dir"]
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "pipeline").rglob("__init__.py")}
    for name, folder in mapped.items():
        subdirs = [REPO / d for d in PROJECT_DATA] if folder == "." else [REPO / folder]
        for top in subdirs:
            for sub in [top, *top.rglob("*")] if folder == "." else top.iterdir():
                if sub.is_dir() and "__pycache__" not in sub.parts:
                    found.add(name + "." + ".".join(sub.relative_to(REPO / folder).parts))
    assert listed == found | set(mapped), "add the new package to [tool.setuptools] packages in pyproject.toml"


def _tracked(folder: str) -> set[str]:
    out = subprocess.run(["git", "-C", str(REPO), "ls-files", folder], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_a_built_wheel_installs_and_finds_its_own_schemas(tmp_path):
    # Build from a copy, so the checkout gets no build/ or egg-info; setuptools is the locked one in .venv.
    src = tmp_path / "src"
    for name in ("pipeline", "schemas", "docs", ".github", "requirements"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "mkdocs.yml"):
        shutil.copy(REPO / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", tmp_path, src], check=True)
    (wheel,) = tmp_path.glob("satudata_metadata-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"pipeline/" + n for n in _tracked("schemas")} <= names
    assert {n for n in _tracked("pipeline") if n.endswith((".py", ".html", ".js"))} <= names
    project = {
        "pipeline/project/" + n.replace(".github/", "github/", 1) for n in _tracked("docs") | _tracked(".github")
    }
    assert project - {"pipeline/project/github/CODEOWNERS"} <= names  # CODEOWNERS is generated per catalog
    assert {"pipeline/project/mkdocs.yml", "pipeline/project/requirements/run.txt"} <= names

    # A real venv with only the wheel installed; the locked dependencies are borrowed from .venv.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    subprocess.run([*pip, "--python", venv / "bin/python", "install", "--no-deps", "--no-index", wheel], check=True)
    site = Path(
        subprocess.check_output(
            [venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")

    where = subprocess.run(
        [venv / "bin/python", "-c", "import pipeline.layout as l; print(l.BUNDLED_SCHEMAS)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where) == site / "pipeline" / "schemas"

    # A catalog without schemas/ of its own is judged by the wheel's.
    catalog = tmp_path / "katalog"
    shutil.copytree(REPO / "metadata", catalog / "metadata")
    for name in ("katalog.yaml", "roles.yaml"):
        shutil.copy(REPO / name, catalog / name)
    run = subprocess.run([venv / "bin/satudata", "validate", catalog], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    sop = subprocess.run([venv / "bin/satudata", "sop"], cwd=tmp_path, capture_output=True, text=True)
    assert sop.returncode == 0 and "13" in sop.stdout, sop.stdout + sop.stderr

    # `satudata init` from the wheel alone: a complete catalog that validates, builds and has its .github/
    def satudata(*args):
        proc = subprocess.run([venv / "bin/satudata", *map(str, args)], cwd=tmp_path, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    new = tmp_path / "sidoarjo"
    assert "Katalog Kabupaten Sidoarjo dibuat" in satudata("init", new, "--wilayah", "3515")
    assert (new / "requirements/satudata.txt").read_text(encoding="utf-8").splitlines()[
        -1
    ] == "satudata-metadata==0.1.0"
    assert (new / "requirements/run.txt").read_bytes() == (REPO / "requirements/run.txt").read_bytes()
    satudata("validate", new)
    satudata("codeowners", new, "--periksa")
    satudata("build", new, "--keluar", new / "site", "--pada", "2026-01-05T00:00:00+07:00")
    assert "Kabupaten Sidoarjo" in (new / "site/index.html").read_text(encoding="utf-8")
    workflows = sorted((new / ".github/workflows").glob("*.yml"))
    assert [w.name for w in workflows] == [
        w.name for w in sorted((REPO / ".github/workflows").glob("*.yml")) if w.name != "uji.yml"
    ]
    lint = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    proc = subprocess.run([lint, "-no-color", *workflows], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflows_install_only_the_locked_set():
    installs = []
    for path in sorted((REPO / ".github" / "workflows").glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "pip install" in line:
                installs.append((path.name, line.strip()))
            elif "scripts/" in line:
                assert line.strip() == "run: bash scripts/test", (path.name, line)
    assert installs
    for name, line in installs:
        locked = "--require-hashes --no-deps -r " in line and line.endswith("requirements/run.txt")
        assert locked or "--no-deps --no-build-isolation" in line, f"{name}: {line}"


def test_install_without_root_says_what_to_run_as_root():
    # A copy of the script on a PATH without chromium, java, soffice, npm or sudo, run as an unprivileged user.
    box = Path(tempfile.mkdtemp(prefix="satudata-install-"))
    try:
        (box / "scripts").mkdir()
        shutil.copy(REPO / "scripts" / "install", box / "scripts" / "install")
        (box / "bin").mkdir()
        for name in ("bash", "id", "dirname", "cat"):
            (box / "bin" / name).symlink_to(shutil.which(name))
        # the unprivileged user may not reach this test's own Python (pyenv under /root)
        (box / "bin" / "python3").symlink_to(shutil.which("python3", path="/usr/bin:/usr/local/bin") or sys.executable)
        box.chmod(0o755)
        drop = [shutil.which("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups"] if os.getuid() == 0 else []
        proc = subprocess.run(
            [*drop, str(box / "bin" / "bash"), str(box / "scripts" / "install"), "--test"],
            capture_output=True, text=True, env={"PATH": str(box / "bin"), "LANG": "C.UTF-8"},
        )  # fmt: skip
    finally:
        shutil.rmtree(box)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert (
        "paket Debian berikut belum terpasang: chromium default-jre-headless libreoffice-calc-nogui nodejs npm"
        in proc.stderr
    )
    assert "perlu hak root" in proc.stderr
    assert (
        "sudo apt-get install -y --no-install-recommends chromium default-jre-headless libreoffice-calc-nogui nodejs npm"
        in proc.stderr
    )
    assert not (box / ".venv").exists()


def test_the_lock_files_pin_every_package_by_hash():
    test = _pins(REPO / "requirements" / "test.txt")
    run = _pins(REPO / "requirements" / "run.txt")
    assert run <= test, "requirements/run.txt must only narrow test.txt: run `bash scripts/lock`"
    names = {kind: {pin.split("==")[0] for pin in pins} for kind, pins in (("run", run), ("test", test))}
    assert {"click", "jsonschema-rs", "mkdocs-material", "setuptools"} <= names["run"]
    assert {"pytest", "playwright", "ruff", "zizmor"} <= names["test"] - names["run"]
    dependencies = {re.split(r"[<>=\[ ]", d)[0].lower().replace(".", "-") for d in PYPROJECT["project"]["dependencies"]}
    assert dependencies <= names["run"], "pyproject.toml changed: run `bash scripts/lock`"


def _pins(path: Path) -> set[str]:
    """Every 'name==version[ ; marker]' of a lock file, each of which must carry a sha256."""
    pins = set()
    for entry in re.split(r"\n(?=[a-z0-9])", path.read_text(encoding="utf-8")):
        if entry.startswith("#"):
            continue
        pin = entry.split("\\", 1)[0].strip()
        assert "==" in pin and "--hash=sha256:" in entry, f"{path.name}: {pin} is not pinned by hash"
        pins.add(pin)
    return pins
