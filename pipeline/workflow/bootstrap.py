"""`satudata init`: a new, complete catalog repository for another regional government.

It writes the record contract (``schemas/``), the portal configuration and guides (``docs/``,
``mkdocs.yml``), the GitHub set-up (``.github/``: the catalog's workflows, ``ruleset-main.json``,
CODEOWNERS generated from the new catalog, issue forms and the pull-request template), the pinned
tool (``requirements/``), ``katalog.yaml``, ``roles.yaml`` and a first OPD (the Walidata's own
office), with the region's name wherever this project says "Kabupaten Pasuruan".

Everything comes from the installed tool: a built wheel carries the repository's ``docs/``,
``mkdocs.yml``, ``.github/`` and ``requirements/run.txt`` as the data package ``pipeline/project/``
(pyproject.toml maps them, without a second copy in git); a checkout reads them where they are.
The tool's own workflow (``uji.yml``: lint and tests of this repository) is not a catalog's, and
a catalog's workflows install the pinned tool (``requirements/satudata.txt``) instead of the
checkout they run in.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import yaml as pyyaml
from ruamel.yaml import YAML

from ..codes import SatudataError
from ..contract.schema import BUNDLED, Schemas

HOME_REGION = "Kabupaten Pasuruan"
TOOL_ONLY_WORKFLOWS = ("uji.yml",)
TOOL_PIN = "requirements/satudata.txt"
# The tool repository's workflows install the checkout they run in; a catalog's install the pinned tool.
INSTALL_SELF = "python -m pip install --disable-pip-version-check --no-deps --no-build-isolation "
INSTALLS = {
    INSTALL_SELF + "./alat\n": f"{INSTALL_SELF}-r alat/{TOOL_PIN}\n",
    INSTALL_SELF + ".\n": f"{INSTALL_SELF}-r {TOOL_PIN}\n",
}


class InitError(SatudataError):
    """The catalog could not be created; the message says why, in Indonesian."""

    kode = "katalog-baru-gagal"


def project_files() -> tuple[Path, Path]:
    """(the folder with ``docs/``, ``mkdocs.yml`` and ``requirements/``, the ``.github`` folder) of the tool."""
    package = Path(__file__).resolve().parents[1]
    wheel = package / "project"
    if (wheel / "mkdocs.yml").is_file():
        return wheel, wheel / "github"
    return package.parent, package.parent / ".github"


def tool_requirement() -> str:
    """The pip requirement of the running tool's own version."""
    try:
        return f"satudata-metadata=={metadata.version('satudata-metadata')}"
    except metadata.PackageNotFoundError:
        return "satudata-metadata"


def region(code: str) -> dict:
    """The row of ``code`` in the bundled wilayah code list (a kabupaten/kota or province)."""
    rows = Schemas(BUNDLED).codelists["wilayah"].lookup()
    row = rows.get(code)
    if row is None or row["tingkat"] == "kecamatan":
        raise InitError(
            f"Kode wilayah '{code}' tidak ada di daftar kode wilayah nasional (schemas/kode/wilayah.csv, kode BPS "
            "2020) sebagai provinsi atau kabupaten/kota. Wilayah yang lebih baru (misalnya provinsi Papua hasil "
            "pemekaran 2022) ditambahkan di schemas/kode/wilayah-lokal.csv (kode BPS, nama, tingkat, induk, kode "
            "Kemendagri), lalu ulangi."
        )
    return row


def _account(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30]


def _copy_text(source: Path, target: Path, name: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8").replace(HOME_REGION, name), encoding="utf-8")


def _tree(source: Path, target: Path, name: str) -> None:
    """Copy a folder; text files with the region's name."""
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        dest = target / path.relative_to(source)
        if path.suffix in (".md", ".yml", ".yaml", ".json"):
            _copy_text(path, dest, name)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


def _workflows(source: Path, target: Path) -> list[str]:
    """The catalog's workflows; returns the names of the jobs that run on pull requests."""
    checks = []
    for path in sorted(source.glob("*.yml")):
        if path.name in TOOL_ONLY_WORKFLOWS:
            continue
        text = path.read_text(encoding="utf-8")
        for own, pinned in INSTALLS.items():
            text = text.replace(own, pinned)
        if INSTALL_SELF in text.replace(INSTALL_SELF + "-r ", ""):
            raise InitError(
                f"{path.name}: langkah pemasangan alat tidak dikenal; perbarui pipeline/workflow/bootstrap.py."
            )
        target.mkdir(parents=True, exist_ok=True)
        (target / path.name).write_text(text, encoding="utf-8")
        flow = pyyaml.load(text, Loader=pyyaml.BaseLoader)  # 'on' stays a string
        if "pull_request" in flow.get("on", {}):
            checks += [job.get("name", key) for key, job in flow["jobs"].items()]
    return checks


def _ruleset(source: Path, target: Path, checks: list[str]) -> None:
    """The branch ruleset with exactly the status checks of the catalog's own PR workflows."""
    ruleset = json.loads(source.read_text(encoding="utf-8"))
    for rule in ruleset["rules"]:
        if rule["type"] == "required_status_checks":
            wanted = rule["parameters"]["required_status_checks"]
            rule["parameters"]["required_status_checks"] = [c for c in wanted if c["context"] in checks]
    target.write_text(json.dumps(ruleset, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _github(target: Path, name: str) -> None:
    _, github = project_files()
    checks = _workflows(github / "workflows", target / ".github" / "workflows")
    _ruleset(github / "ruleset-main.json", target / ".github" / "ruleset-main.json", checks)
    _tree(github / "ISSUE_TEMPLATE", target / ".github" / "ISSUE_TEMPLATE", name)
    _copy_text(github / "pull_request_template.md", target / ".github" / "pull_request_template.md", name)


def _codeowners(target: Path) -> None:
    from ..check.rootfiles import roles_record
    from ..contract.roles import Roles
    from ..read.catalog import load_catalog
    from .codeowners import CODEOWNERS_FILE, codeowners

    record, _ = roles_record(target, Schemas.find(target))
    text = codeowners(load_catalog(target), Roles.from_data(record.data if record else None))
    (target / CODEOWNERS_FILE).write_text(text, encoding="utf-8")


def init_catalog(target: Path, code: str, tool: str | None = None) -> list[Path]:
    """Create the catalog in ``target`` (which must not exist or be empty); returns what was written.

    ``tool`` is the pip requirement the catalog's workflows install (bawaan: this tool's version)."""
    row = region(code)
    name = row["nama"]
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise InitError(f"Folder {target} sudah berisi berkas; pilih folder baru atau kosong.")
    project, _ = project_files()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(BUNDLED, target / "schemas", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    _tree(project / "docs", target / "docs", name)
    _copy_text(project / "mkdocs.yml", target / "mkdocs.yml", name)
    (target / "requirements").mkdir()
    shutil.copyfile(project / "requirements" / "run.txt", target / "requirements" / "run.txt")
    (target / TOOL_PIN).write_text(
        "# Versi alat satudata yang dipasang alur kerja katalog ini (pip). Ganti dengan versi lain, atau dengan\n"
        "# 'satudata-metadata @ git+https://github.com/ORGANISASI/REPOSITORI-ALAT@COMMIT'.\n"
        f"{tool or tool_requirement()}\n",
        encoding="utf-8",
    )
    short = _account(name.replace("Kabupaten ", "").replace("Kota ", ""))
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    opd_dir = target / "metadata" / "diskominfo"
    opd_dir.mkdir(parents=True)
    with open(opd_dir / "opd.yaml", "w", encoding="utf-8") as fh:
        fh.write("# Ganti isian di bawah dengan identitas resmi OPD; satu folder per OPD di metadata/.\n")
        yaml.dump({
            "nama": f"Dinas Komunikasi dan Informatika {name}",
            "singkatan": "Diskominfo",
            "alamat": f"(alamat kantor Diskominfo {name})",
            "email": f"diskominfo@{short}.go.id",
            "kode_wilayah": code,
            "pengelola": [f"diskominfo-{short}"],
        }, fh)  # fmt: skip
    with open(target / "katalog.yaml", "w", encoding="utf-8") as fh:
        fh.write(
            "# Identitas katalog (schemas/katalog.schema.json). Ganti alamat portal, repositori dan kontak contoh ini.\n"
        )
        yaml.dump({
            "pemda": name,
            "kode_wilayah": code,
            "walidata": {"nama": f"Dinas Komunikasi dan Informatika {name}", "email": f"diskominfo@{short}.go.id"},
            "url_situs": f"https://satudata.{short}.go.id/metadata/",
            "repositori": f"diskominfo-{short}/katalog-metadata",
            "lisensi": {"nama": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        }, fh)  # fmt: skip
    with open(target / "roles.yaml", "w", encoding="utf-8") as fh:
        fh.write(
            "# Akun GitHub → peran SOP. Ganti nama akun contoh ini dengan akun sebenarnya (lihat docs/alur-sop.md).\n"
        )
        yaml.dump({
            "tim_walidata": [f"walidata-{short}"],
            "akun": {
                f"walidata-{short}": {"peran": ["walidata"], "nama": f"Walidata {name}"},
                f"bps-{short}": {"peran": ["bps"], "nama": f"Pembina Data BPS {name}"},
                f"diskominfo-{short}": {"peran": ["opd"], "opd": ["diskominfo"]},
            },
        }, fh)  # fmt: skip
    _github(target, name)
    _codeowners(target)
    (target / "README.md").write_text(
        f"# Katalog Metadata Statistik Sektoral {name}\n\n"
        "Metadata kegiatan statistik (MS-Keg), variabel (MS-Var) dan indikator (MS-Ind) perangkat daerah, "
        "dikelola Walidata dan dibina BPS, diperiksa dan diterbitkan dengan alat `satudata`.\n\n"
        "- Menyiapkan repositori (Walidata): [docs/panduan/admin.md](docs/panduan/admin.md)\n"
        "- Untuk OPD: [docs/panduan/opd.md](docs/panduan/opd.md); peninjau: "
        "[docs/panduan/peninjau.md](docs/panduan/peninjau.md)\n"
        f"- Versi alat yang dipakai alur kerja: `{TOOL_PIN}`\n",
        encoding="utf-8",
    )
    (target / ".gitignore").write_text("/site/\n.satudata-cache/\n.satudata-transaksi/\n", encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file())
