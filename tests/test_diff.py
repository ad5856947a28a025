"""`satudata diff`: a form-labelled diff between two revisions of a real git repository."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest
from conftest import ACTIVITY, INDIKATOR, KOMPROMIN, VARIABEL, CatalogBuilder, events
from xlsxtools import run


def git(root, *args):
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Uji", "-c", "user.email=uji@example.org", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def commit(root, message="ubah") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path):
    builder = CatalogBuilder(tmp_path)
    builder.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": events(1, 7)})
    git(tmp_path, "init", "-q", "-b", "main")
    builder.base = commit(tmp_path, "awal")
    return builder


def diff(repo, *args):
    result = run("diff", repo.base, "HEAD", "--katalog", repo.root, *args)
    return result


def test_changes_are_named_by_form_number_and_label(repo):
    keg = copy.deepcopy(KOMPROMIN) | {"alur": events(1, 7, 8)}
    keg["desain_kegiatan"]["frekuensi"] = "Semesteran"
    keg["desain_kegiatan"]["metode_pengumpulan_data"] = ["Wawancara", "Pengumpulan Data Sekunder"]
    keg["perencanaan"]["variabel_dikumpulkan"][0]["definisi"] = "Bayi yang lahir dengan tanda kehidupan."
    repo.write(f"{ACTIVITY}/kegiatan.yaml", keg)
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"konsep": "Lahir hidup"})
    (repo.root / ACTIVITY / "indikator/angka-kematian-bayi.yaml").unlink()
    repo.write(f"{ACTIVITY}/indikator/angka-kematian-ibu.yaml", INDIKATOR | {"nama": "Angka Kematian Ibu"})
    commit(repo.root)
    result = diff(repo)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Rekaman: 1 baru, 2 berubah, 1 dihapus." in out
    assert "### dinkes/2025-profil-kesehatan — Kompilasi Produk Administrasi Profil Kesehatan Kabupaten Pasuruan" in out
    assert f"#### MS-Keg · berubah · `{ACTIVITY}/kegiatan.yaml`" in out
    assert '| 4.2 | Jika "berulang" (R.4.1. berkode 2), Frekuensi Penyelenggaraan | Tahunan | Semesteran |' in out
    assert "| 4.6 | Metode Pengumpulan Data |  | + Wawancara |" in out
    assert (
        "| 3.4 | Variabel (Karakteristik) yang Dikumpulkan — Definisi (butir: Jumlah kelahiran hidup) "
        "| Bayi lahir hidup. | Bayi yang lahir dengan tanda kehidupan. |"
    ) in out
    assert "Riwayat SOP — peristiwa baru:" in out
    assert "- **Langkah 8** · walidata · walidata-pasuruan · 2025-02-05T09:00:00+07:00 — Langkah 8" in out
    assert "| Kolom 4 | Konsep | Kelahiran hidup | Lahir hidup |" in out
    assert "#### MS-Ind Angka Kematian Bayi · dihapus" in out
    assert "#### MS-Ind Angka Kematian Ibu · baru" in out
    assert "| Kolom 2 | Nama Indikator |  | Angka Kematian Ibu |" in out
    # one section per activity: MS-Keg, then MS-Var, then MS-Ind
    assert out.index("#### MS-Keg") < out.index("#### MS-Var") < out.index("#### MS-Ind Angka Kematian Bayi")
    assert "alur" not in out  # the SOP log is summarised, never shown as a field


def test_json_and_determinism(repo):
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"akses_umum": "Tidak"})
    commit(repo.root)
    first = diff(repo, "--format", "json")
    assert first.exit_code == 0
    report = json.loads(first.output)
    assert report["ringkasan"] == {"baru": 0, "dihapus": 0, "berubah": 1, "tidak_terbaca": 0}
    (record,) = report["rekaman"]
    assert record["formulir"] == "MS-Var" and record["judul"] == "Jumlah kelahiran hidup"
    assert record["perubahan"] == [
        {
            "jalur": "akses_umum",
            "nomor": "Kolom 12",
            "label": "Apakah Kolom (2) Dapat Diakses Umum?",
            "sebelum": "Ya",
            "sesudah": "Tidak",
        }
    ]
    assert diff(repo, "--format", "json").output == first.output
    assert diff(repo).output == diff(repo).output


def test_a_record_that_does_not_parse_is_reported_not_crashed_on(repo):
    repo.text(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", "nama: [Jumlah kelahiran hidup\n")
    commit(repo.root)
    result = diff(repo)
    assert result.exit_code == 0, result.output
    assert "**1 berkas tidak dapat dibaca**" in result.output
    assert "#### MS-Var Jumlah kelahiran hidup · tidak dapat dibaca" in result.output
    assert "> **Tidak dapat dibaca di HEAD (HEAD) baris 2:** YAML tidak dapat dibaca" in result.output
    report = json.loads(diff(repo, "--format", "json").output)
    assert report["rekaman"][0]["masalah"][0]["kode"] == "yaml-sintaks"


def test_a_rewritten_sop_log_is_flagged(repo):
    log = events(1, 7)
    log["riwayat"][0]["catatan"] = "Diubah diam-diam"
    repo.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": log})
    commit(repo.root)
    out = diff(repo).output
    assert "**Riwayat SOP ditulis ulang:**" in out
    assert "- **Langkah 1** · opd · dinkes-pasuruan" in out


def test_metadata_text_cannot_inject_markdown_html_or_mentions(repo):
    evil = "a | b <script>alert(1)</script> **tebal** @walidata [tautan](http://x)\nbaris dua"
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"definisi": evil})
    commit(repo.root)
    out = diff(repo).output
    row = next(line for line in out.splitlines() if "Kolom 5" in line)
    assert row.count(" | ") == 3  # still four cells
    assert "&lt;script&gt;" in row and "<script>" not in row
    assert r"\*\*tebal\*\*" in row and "@\u200bwalidata" in row and r"\[tautan\]" in row
    assert "a \\| b" in row and "<br>baris dua" in row


def test_no_change_and_other_files(repo):
    assert "Tidak ada perubahan metadata." in diff(repo).output
    repo.text(f"{ACTIVITY}/data/datapackage.json", "{}")
    commit(repo.root)
    out = diff(repo).output
    assert f"- {ACTIVITY}/data/datapackage.json (ditambah)" in out
    repo.text(f"{ACTIVITY}/data/a`b|<i>.txt", "x")
    commit(repo.root)
    assert "data/a\\`b\\|&lt;i&gt;.txt (ditambah)" in diff(repo).output


def test_a_catalog_in_a_subfolder_of_the_repository(tmp_path):
    root = tmp_path / "katalog"
    builder = CatalogBuilder(root)
    git(tmp_path, "init", "-q", "-b", "main")
    base = commit(tmp_path)
    builder.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"alias": "LAHIR"})
    commit(tmp_path)
    result = run("diff", base, "HEAD", "--katalog", root)
    assert result.exit_code == 0, result.output
    assert "| Kolom 3 | Alias |  | LAHIR |" in result.output


def test_unknown_revisions_and_non_repositories_are_explained(repo, tmp_path_factory):
    result = run("diff", "tidak-ada", "HEAD", "--katalog", repo.root)
    assert result.exit_code == 2
    assert "Revisi 'tidak-ada' tidak ditemukan" in result.output
    result = run("diff", "--katalog", repo.root, "--", "--output=/tmp/x", "HEAD")
    assert result.exit_code == 2 and "tidak sah" in result.output
    plain = tmp_path_factory.mktemp("bukan-git")
    result = run("diff", "main", "HEAD", "--katalog", plain)
    assert result.exit_code == 3  # not a git repository: the environment, not the call
    assert "Perbedaan tidak dapat dihitung" in result.output


def test_code_lists_roles_and_other_rule_files_are_covered(repo):
    """`satudata diff` shows what schemas/kode/, roles.yaml and other rule files change, not only metadata/."""
    import shutil

    from conftest import ROLES

    from pipeline.contract.schema import BUNDLED

    shutil.copytree(BUNDLED, repo.root / "schemas")
    repo.write("roles.yaml", ROLES)
    repo.base = commit(repo.root, "aturan")
    satuan = repo.root / "schemas/kode/satuan.csv"
    rows = satuan.read_text(encoding="utf-8").splitlines(keepends=True)
    header, first = rows[0], rows[1]
    key = first.split(",")[0]
    satuan.write_text(header + "".join(rows[2:]) + _row_like(header, "ekor"), encoding="utf-8")
    roles = copy.deepcopy(ROLES)
    roles["akun"]["dinkes-pasuruan"]["email"] = ["statistik@dinkes.example.go.id"]
    roles["akun"]["dlh-pasuruan"] = {"peran": ["opd"], "opd": ["dinkes"]}
    del roles["akun"]["dispendik-pasuruan"]
    repo.write("roles.yaml", roles)
    (repo.root / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    commit(repo.root)
    out = diff(repo).output
    assert "Tidak ada rekaman metadata yang berubah." in out
    assert (
        "### Daftar kode (schemas/kode/)" in out
        and "(`schemas/kode/satuan.csv`, berubah): 1 ditambah, 1 dihapus" in out
    )
    assert f"  - dihapus: {key}" in out and "  - ditambah: ekor" in out
    assert (
        "| dinkes-pasuruan | peran: opd; OPD: dinkes | peran: opd; OPD: dinkes; e-mail: statistik@\u200bdinkes.example.go.id |"
        in out
    )  # no @mention
    assert "| dispendik-pasuruan | peran: opd; OPD: dispendik | — |" in out and "| dlh-pasuruan | — |" in out
    assert "### Berkas aturan dan konfigurasi lain" in out and "- mkdocs.yml (ditambah)" in out
    data = json.loads(diff(repo, "--format", "json").output)
    assert {a["akun"]: a["status"] for a in data["peran"]} == {
        "dinkes-pasuruan": "berubah",
        "dispendik-pasuruan": "dihapus",
        "dlh-pasuruan": "baru",
    }
    assert data["daftar_kode"][0]["nama"] == "satuan" and data["berkas_aturan"] == [
        {"berkas": "mkdocs.yml", "status": "ditambah"}
    ]


def _row_like(header: str, key: str) -> str:
    """A code-list row with ``key`` in the first column and the other columns filled."""
    columns = header.strip().split(",")
    return ",".join([key, *("Ekor" for _ in columns[1:])]) + "\n"
