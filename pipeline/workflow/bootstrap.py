"""`satudata init`: a new, valid catalog for another regional government.

It copies the record contract (``schemas/``), the portal configuration and guides, and writes
a first OPD (the Walidata's own office) and ``roles.yaml`` with accounts to replace, with the
region's name wherever this project says "Kabupaten Pasuruan".
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ruamel.yaml import YAML

from ..codes import SatudataError
from ..contract.schema import BUNDLED, Schemas

PROJECT = BUNDLED.parent
HOME_REGION = "Kabupaten Pasuruan"


class InitError(SatudataError):
    """The catalog could not be created; the message says why, in Indonesian."""

    kode = "katalog-baru-gagal"


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


def init_catalog(target: Path, code: str) -> list[Path]:
    """Create the catalog in ``target`` (which must not exist or be empty); returns what was written."""
    row = region(code)
    name = row["nama"]
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise InitError(f"Folder {target} sudah berisi berkas; pilih folder baru atau kosong.")
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(BUNDLED, target / "schemas")
    shutil.copytree(PROJECT / "docs", target / "docs")
    shutil.copy(PROJECT / "mkdocs.yml", target / "mkdocs.yml")
    for path in [target / "mkdocs.yml", *sorted((target / "docs").rglob("*.md"))]:
        path.write_text(path.read_text(encoding="utf-8").replace(HOME_REGION, name), encoding="utf-8")
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
    (target / ".gitignore").write_text("/site/\n.satudata-cache/\n.satudata-transaksi/\n", encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file())
