"""`satudata check-pr` on real git repositories: every bypass of the PR loop and its refusal.

The rules come from the base commit (schemas, code lists, sop.yaml, roles.yaml, katalog.yaml);
the records from the PR's head, read from git objects; every path and every commit is judged.
"""

from __future__ import annotations

import copy
import json
import shutil

import yaml
from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, ROLES, SURVEI, SURVEI_LOG, VARIABEL, ev, with_log

from pipeline.cli import main
from pipeline.contract.schema import BUNDLED

KEG = f"{ACTIVITY}/kegiatan.yaml"
VAR = f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml"
IND = f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml"
APPROVED = KOMPROMIN_LOG[:7]  # … 9 → 11
OPD, WALIDATA, BPS = "dinkes-pasuruan", "walidata-pasuruan", "bps-kab-pasuruan"
STEP_2 = ev(2, "2025-02-03 13:00", catatan="Diajukan di Romantik.")  # typed: it happens in Romantik


def check(repo, actor, *extra, base="main", head="HEAD"):
    args = ["check-pr", base, head, "--aktor", actor, "--katalog", str(repo.root), *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def report(repo, actor, base="main"):
    result = check(repo, actor, "--format", "json", base=base)
    data = json.loads(result.output)
    assert result.exit_code == (1 if data["ringkasan"]["galat"] else 0)
    return data


def codes(repo, actor, base="main", level="galat"):
    return {f["kode"] for f in report(repo, actor, base)["temuan"] if level is None or f["tingkat"] == level}


def start(repo, log, branch="usulan", data=KOMPROMIN):
    """main holds the activity with `log` and the bundled schemas; a PR branch is checked out."""
    shutil.copytree(BUNDLED, repo.root / "schemas")
    repo.write(KEG, with_log(data, *log))
    repo.commit("riwayat di main")
    repo.branch(branch)


# --- typed events: who may type what ------------------------------------------------------------


def test_opd_appends_its_own_typed_step(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("ajukan rekomendasi", author=OPD)
    result = check(repo, OPD)
    assert result.exit_code == 0, result.output
    assert "PR oleh 'dinkes-pasuruan': 1 rekaman metadata berubah, 0 galat." in result.output


def test_steps_the_forge_attests_cannot_be_typed(repo):
    """Reviews, approvals and merges are recorded from GitHub; typing them is refused."""
    start(repo, KOMPROMIN_LOG[:6])
    approval = ev(11, "2025-02-06 09:10") | {"aktor": OPD}
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:6], approval))
    repo.commit("setujui sendiri", author=OPD)
    result = check(repo, OPD)
    assert result.exit_code == 1
    assert "GALAT [pr-langkah-forge]" in result.output and "GALAT [pr-peran-aktor]" in result.output
    assert "Langkah 11 (BPS menyetujui) disaksikan GitHub" in result.output
    assert "setujui pull request di GitHub (Review changes → Approve)" in result.output
    assert (
        "Langkah 11 dicatat dengan peran 'bps', tetapi akun 'dinkes-pasuruan' berperan OPD (OPD: dinkes)."
        in result.output
    )
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "bps-menyetujui")
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:7]))
    repo.commit("disetujui BPS", author=BPS)
    assert codes(repo, BPS) == {"pr-langkah-forge"}  # even BPS may not type it: it approves on GitHub
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "palsu")
    claimed = ev(1, "2025-02-03 09:00") | {"sumber": "forge", "pr": 4}  # a typed step claiming the forge
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:6], claimed | {"langkah": 13, "peran": "opd"}))
    repo.commit("peristiwa forge palsu", author=OPD)
    assert "pr-langkah-forge" in codes(repo, OPD)


def test_bps_types_the_letter_of_step_6(repo):
    start(repo, SURVEI_LOG[:6], data=SURVEI)
    repo.write(KEG, with_log(SURVEI, *SURVEI_LOG[:7]))
    repo.commit("surat rekomendasi terbit", author=BPS)
    assert codes(repo, BPS, level=None) == set()
    assert codes(repo, "BPS-Kab-Pasuruan") == set()  # GitHub logins are case-insensitive


def test_the_base_sops_performer_is_checked(repo):
    """Step 6 is BPS's in the base sop.yaml: an OPD typing it is refused (and so is its role)."""
    start(repo, SURVEI_LOG[:6], data=SURVEI)
    letter = SURVEI_LOG[6] | {"peran": "opd", "aktor": OPD}
    repo.write(KEG, with_log(SURVEI, *SURVEI_LOG[:6], letter))
    repo.commit("surat", author=OPD)
    assert codes(repo, OPD) == {"alur-peran"}


def test_opd_acts_only_for_its_own_opd(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2 | {"aktor": "dispendik-pasuruan"}))
    repo.commit("opd lain", author="dispendik-pasuruan")
    assert codes(repo, "dispendik-pasuruan") == {"pr-peran-opd", "pr-opd-lain"}
    assert codes(repo, WALIDATA) == {"pr-peran-aktor", "pr-aktor", "pr-commit-penulis"}


def test_unknown_account(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("x", author="orang-asing")
    assert codes(repo, "orang-asing") == {"pr-akun-tak-dikenal"}


def test_every_commit_is_judged_not_only_the_pr_author(repo):
    """A commit by someone else in the PR that adds an event in the author's name is refused."""
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(f"{ACTIVITY}/variabel/jumlah-kematian-bayi.yaml", VARIABEL | {"nama": "Jumlah kematian bayi"})
    repo.commit("variabel baru", author=OPD)
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("langkah 2 atas nama OPD", author=WALIDATA)
    result = check(repo, OPD)
    assert result.exit_code == 1 and "[pr-commit-penulis]" in result.output
    assert "milik akun 'walidata-pasuruan', bukan oleh 'dinkes-pasuruan'" in result.output
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("langkah 2 dari laptop pribadi", author=None)  # uji@example.org: no account's e-mail
    result = check(repo, OPD)
    assert result.exit_code == 1 and "[pr-commit-penulis-tak-dikenal]" in result.output
    assert "penulis uji@example.org" in result.output
    roles = copy.deepcopy(ROLES)
    roles["akun"][OPD]["email"] = ["uji@example.org"]
    repo.git("checkout", "-q", "main")
    repo.write("roles.yaml", roles)
    repo.commit("e-mail kantor Dinkes", author=WALIDATA)
    repo.git("checkout", "-q", "usulan")
    repo.git("merge", "-q", "--no-edit", "main")
    assert codes(repo, OPD) == set()  # the e-mail listed for the account at base


def test_typed_time_may_not_lie_in_the_future(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], ev(2, "2999-01-04 09:00")))
    repo.commit("dari masa depan", author=OPD)
    result = check(repo, OPD)
    assert result.exit_code == 1 and "[alur-waktu-masa-depan]" in result.output
    assert "lebih lambat daripada saat pemeriksaan" in result.output
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], ev(2, "2025-06-02 09:00")))
    repo.commit("lebih lambat dari commitnya", author=OPD, date="2025-03-01T10:00:00+07:00")
    result = check(repo, OPD)
    assert result.exit_code == 1 and "lebih lambat daripada waktu commit yang menambahkannya" in result.output
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], ev(2, "2025-02-01 09:00")))
    repo.commit("sebelum peristiwa sebelumnya", author=OPD)
    assert codes(repo, OPD) == {"alur-waktu-mundur"}


def test_earlier_events_cannot_be_edited_or_removed(repo):
    start(repo, KOMPROMIN_LOG[:3])
    edited = [KOMPROMIN_LOG[0], KOMPROMIN_LOG[1] | {"catatan": "diubah belakangan"}, KOMPROMIN_LOG[2]]
    repo.write(KEG, with_log(KOMPROMIN, *edited))
    repo.commit("ubah catatan lama", author=OPD)
    result = check(repo, OPD)
    assert result.exit_code == 1 and "[pr-riwayat-diubah]" in result.output
    assert "Peristiwa ke-2 di alur.riwayat (langkah 7) diubah" in result.output
    line = int(result.output.split(f"{KEG}:")[1].split(":")[0])
    text = repo.root.joinpath(KEG).read_text(encoding="utf-8").splitlines()
    assert text[line - 1].strip() == "- langkah: 7"
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:2]))
    repo.commit("hapus peristiwa terakhir", author=WALIDATA)
    assert codes(repo, WALIDATA) == {"pr-riwayat-dihapus"}


def test_formatting_only_edits_of_old_events_are_fine(repo):
    start(repo, KOMPROMIN_LOG[:2])
    text = repo.root.joinpath(KEG).read_text(encoding="utf-8")
    repo.text(KEG, "# komentar baru\n" + text.replace("peran: opd", "peran: 'opd'"))
    repo.commit("hanya format", author=OPD)
    assert codes(repo, OPD) == set()


def test_deleting_an_activity_with_history(repo):
    start(repo, KOMPROMIN_LOG[:2])
    repo.git("rm", "-q", "-r", ACTIVITY)
    repo.commit("hapus kegiatan", author=OPD)
    assert codes(repo, OPD) == {"pr-hapus-riwayat"}
    assert codes(repo, WALIDATA) == set()


def test_compares_with_the_merge_base(repo):
    """Changes on main after the PR branched are not the PR's; the PR's own are checked."""
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("opd mengajukan", author=OPD)
    repo.git("checkout", "-q", "main")
    repo.write("metadata/dispendik/opd.yaml", {"nama": "berubah di main"})
    repo.commit("perubahan lain di main")
    repo.git("checkout", "-q", "usulan")
    assert codes(repo, OPD) == set()


# --- review cycles -----------------------------------------------------------------------------


def test_an_approved_activity_reopens_review_when_its_opd_or_walidata_changes_it(repo):
    start(repo, APPROVED)
    repo.write(VAR, VARIABEL | {"satuan": "orang"})
    repo.commit("ubah satuan", author=OPD)
    data = report(repo, OPD)
    assert data["ringkasan"]["galat"] == 0
    assert "PR ini membuka siklus pemeriksaan baru (langkah 7 Lapor metadata ke Walidata" in data["catatan"][0]
    assert "membuka siklus pemeriksaan baru (langkah 8 Lapor ke Indah" in report(repo, WALIDATA)["catatan"][0]


def test_others_may_not_change_an_approved_activity(repo):
    start(repo, KOMPROMIN_LOG)  # approved, published, carried out
    repo.write(KEG, with_log(KOMPROMIN | {"sektor_kegiatan": "Pembangunan"}, *KOMPROMIN_LOG))
    repo.commit("ubah sektor", author=BPS)
    result = check(repo, BPS)
    assert result.exit_code == 1 and "[pr-perlu-siklus-baru]" in result.output
    assert "diajukan oleh pelaksana langkah 7 (Lapor metadata ke Walidata, OPD) atau 8" in result.output


def test_changes_before_approval_need_no_new_cycle(repo):
    start(repo, KOMPROMIN_LOG[:4])  # under BPS review
    repo.write(VAR, VARIABEL | {"satuan": "orang"})
    repo.commit("perbaikan sesuai catatan", author=OPD)
    assert codes(repo, OPD) == set()
    assert report(repo, OPD)["catatan"] == []


# --- R17: fields only BPS fills ---------------------------------------------------------------


def test_only_bps_fills_the_activity_code_and_ms_ind_column_14(repo):
    start(repo, APPROVED)
    repo.write(KEG, with_log(KOMPROMIN | {"kode_kegiatan": "2025-3514-001"}, *APPROVED))
    repo.commit("isi kode kegiatan", author=OPD)
    result = check(repo, OPD)
    assert result.exit_code == 1 and "[pr-isian-diisi-oleh]" in result.output
    assert "Kode Kegiatan (diisi oleh petugas) hanya diisi oleh BPS" in result.output
    assert codes(repo, BPS) == set()  # BPS fills it, and it is no content change that needs review
    repo.write(KEG, with_log(KOMPROMIN, *APPROVED))
    ind = yaml.safe_load(repo.root.joinpath(IND).read_text(encoding="utf-8"))
    repo.write(IND, ind | {"kode_kegiatan_penghasil": "BPS-123"})
    repo.commit("kolom 14", author=WALIDATA)
    found = [f for f in report(repo, WALIDATA)["temuan"] if f["kode"] == "pr-isian-diisi-oleh"]
    assert [(f["nomor"], f["berkas"]) for f in found] == [("Kolom 14", IND)]


# --- rules come from the base, never from the PR ------------------------------------------------


def test_a_pr_cannot_relax_the_sop_that_judges_it(repo):
    """The issue's bypass: a PR lets the OPD perform step 11 in sop.yaml and records it."""
    start(repo, KOMPROMIN_LOG[:6])
    sop = repo.root / "schemas/sop.yaml"
    text = sop.read_text(encoding="utf-8")
    relaxed = text.replace(
        "    pelaksana: [bps]\n    waktu: 15 menit\n    persyaratan: Website Indah BPS",
        "    pelaksana: [bps, opd]\n    waktu: 15 menit\n    persyaratan: Website Indah BPS",
    ).replace("    berikutnya: [12]\n    dicatat: forge", "    berikutnya: [12]\n    dicatat: tangan")
    sop.write_text(relaxed.replace("    forge: [setuju]\n  - nomor: 12", "  - nomor: 12"), encoding="utf-8")
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:6], ev(11, "2025-02-06 09:10", peran="opd")))
    repo.commit("OPD menyetujui sendiri", author=OPD)
    assert codes(repo, OPD) >= {"pr-berkas-aturan", "alur-peran", "pr-langkah-forge"}
    assert codes(repo, WALIDATA) >= {"pr-aturan-dan-rekaman", "alur-peran"}


def test_a_pr_cannot_drop_required_fields_it_relies_on(repo):
    """Dropping peran/aktor from the event schema, or emptying a form's required, changes nothing."""
    start(repo, KOMPROMIN_LOG[:1])
    schema_path = repo.root / "schemas/kegiatan.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["required"] = []
    event = schema["properties"]["alur"]["properties"]["riwayat"]["items"]
    event["required"] = ["waktu"]
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    data = with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], {"langkah": 2, "waktu": "2025-02-03T13:00:00+07:00"})
    del data["judul_kegiatan"]
    repo.write(KEG, data)
    repo.commit("longgarkan skema", author=OPD)
    found = {(f["kode"], f["lokasi"]) for f in report(repo, OPD)["temuan"]}
    assert {("skema-wajib", "judul_kegiatan"), ("skema-wajib", "alur.riwayat.1.peran")} <= found
    assert {("skema-wajib", "alur.riwayat.1.aktor"), ("pr-berkas-aturan", None)} <= found


def test_every_path_outside_the_opd_folder_is_a_rule_file(repo):
    start(repo, KOMPROMIN_LOG[:1])
    for path in ("roles.yaml", "schemas/kode/sektor.csv", ".github/workflows/x.yml", "mkdocs.yml", "pipeline/x.py"):
        repo.text(path, (repo.root / path).read_text(encoding="utf-8") + "\n" if (repo.root / path).exists() else "x")
    repo.text("docs/index.md", "# Portal diubah OPD\n")
    repo.commit("ubah aturan", author=OPD)
    found = [f for f in report(repo, OPD)["temuan"] if f["kode"] == "pr-berkas-aturan"]
    assert sorted(f["berkas"] for f in found) == [
        ".github/workflows/x.yml",
        "docs/index.md",
        "mkdocs.yml",
        "pipeline/x.py",
        "roles.yaml",
        "schemas/kode/sektor.csv",
    ]
    assert "tidak boleh mengubahnya" in found[0]["pesan"]
    by_bps = [f for f in report(repo, BPS)["temuan"] if f["kode"] == "pr-berkas-aturan"]
    assert len(by_bps) == len(found)  # BPS neither: rule files are Walidata's
    assert "pr-berkas-aturan" not in codes(repo, WALIDATA)


def test_roles_come_from_the_base_branch(repo):
    start(repo, KOMPROMIN_LOG[:1])
    roles = ROLES | {"akun": ROLES["akun"] | {OPD: {"peran": ["opd", "bps"], "opd": ["dinkes"]}}}
    repo.write("roles.yaml", roles)
    repo.write(KEG, with_log(KOMPROMIN | {"kode_kegiatan": "X-1"}, *KOMPROMIN_LOG[:1]))
    repo.commit("beri diri sendiri peran bps", author=OPD)
    assert codes(repo, OPD) == {"pr-berkas-aturan", "pr-isian-diisi-oleh"}


def test_missing_roles_file_at_base(repo):
    repo.git("rm", "-q", "roles.yaml")
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("x", author=OPD)
    assert codes(repo, OPD) == {"pr-peran-tidak-ada", "pr-akun-tak-dikenal"}


def test_symlinks_and_submodules_in_a_pr_are_refused_and_never_read(repo, tmp_path):
    start(repo, KOMPROMIN_LOG[:1])
    secret = tmp_path / "rahasia.yaml"
    secret.write_text("nama: isi di luar repositori\n", encoding="utf-8")
    (repo.root / f"{ACTIVITY}/variabel/tautan.yaml").symlink_to(secret)
    blob = repo.git("rev-parse", "HEAD")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{blob},metadata/dinkes/submodul")
    repo.git("add", f"{ACTIVITY}/variabel/tautan.yaml")
    repo.git("commit", "-q", "-m", "tautan dan submodul")
    data = report(repo, OPD)
    found = {(f["kode"], f["berkas"]) for f in data["temuan"] if f["kode"] == "pr-bukan-berkas-biasa"}
    assert found == {
        ("pr-bukan-berkas-biasa", f"{ACTIVITY}/variabel/tautan.yaml"),
        ("pr-bukan-berkas-biasa", "metadata/dinkes/submodul"),
    }
    assert "isi di luar repositori" not in json.dumps(data)


def test_the_working_tree_is_never_read(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("ajukan", author=OPD)
    repo.text(KEG, "judul_kegiatan: [\n")  # uncommitted breakage on disk
    (repo.root / "schemas/kegiatan.schema.json").write_text("{", encoding="utf-8")
    assert codes(repo, OPD, level=None) == set()


# --- rule-file PRs: Walidata, no records, judged under the new rules too --------------------


def test_walidata_changes_a_code_list_and_sees_what_the_new_rules_change(repo):
    start(repo, KOMPROMIN_LOG[:1])
    sektor = repo.root / "schemas/kode/sektor.csv"
    rows = sektor.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [r for r in rows if r.rstrip("\n").split(",")[1:2] != ["Kesehatan"]]
    assert len(kept) == len(rows) - 1
    sektor.write_text("".join(kept), encoding="utf-8")
    repo.commit("hapus sektor Kesehatan", author=WALIDATA)
    data = report(repo, WALIDATA)
    appeared = data["aturan_baru"]["temuan_muncul"]
    assert {(f["kode"], f["berkas"]) for f in appeared} >= {("kode-tidak-dikenal", KEG)}
    assert data["ringkasan"]["galat"] >= 1  # the catalog would be invalid on main: refused
    md = check(repo, WALIDATA, "--format", "markdown").output
    assert "### Aturan yang diubah PR ini" in md and "- schemas/kode/sektor.csv" in md
    assert "temuan muncul" in md and "### Daftar kode (schemas/kode/)" in md
    assert "  - dihapus: 9 — Kesehatan" in md


def with_codeowners_on_main(repo, branch: str) -> None:
    """main has the activity and a generated CODEOWNERS; a PR branch is checked out."""
    start(repo, KOMPROMIN_LOG[:1])
    assert CliRunner().invoke(main, ["codeowners", str(repo.root)]).exit_code == 0
    repo.commit("CODEOWNERS", author=WALIDATA)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "usulan")
    repo.git("checkout", "-q", "-b", branch)


def test_walidata_adds_an_opd_with_its_account_in_one_pr(repo):
    with_codeowners_on_main(repo, "opd-baru")
    opd = yaml.safe_load(repo.root.joinpath("metadata/dispendik/opd.yaml").read_text(encoding="utf-8"))
    repo.write("metadata/dlh/opd.yaml", opd | {"nama": "Dinas Lingkungan Hidup", "pengelola": ["dlh-pasuruan"]})
    roles = copy.deepcopy(ROLES)
    roles["akun"]["dlh-pasuruan"] = {"peran": ["opd"], "opd": ["dlh"]}
    repo.write("roles.yaml", roles)
    repo.commit("OPD baru tanpa CODEOWNERS", author=WALIDATA)
    assert codes(repo, WALIDATA) == {"pr-codeowners"}
    assert CliRunner().invoke(main, ["codeowners", str(repo.root)]).exit_code == 0
    repo.commit("CODEOWNERS diperbarui", author=WALIDATA)
    data = report(repo, WALIDATA)
    assert data["ringkasan"]["galat"] == 0
    assert [a["akun"] for a in data["perubahan"]["peran"]] == ["dlh-pasuruan"]
    assert codes(repo, OPD) >= {"pr-berkas-aturan", "pr-opd-lain"}


def test_an_opd_cannot_add_itself_a_code_owner(repo):
    with_codeowners_on_main(repo, "pengelola")
    opd = yaml.safe_load(repo.root.joinpath("metadata/dinkes/opd.yaml").read_text(encoding="utf-8"))
    repo.write("metadata/dinkes/opd.yaml", opd | {"pengelola": [OPD, "teman-dinkes"]})
    repo.commit("tambah pengelola", author=OPD)
    # a pengelola without the opd role in roles.yaml owns nothing: CODEOWNERS stays right, a warning says why
    assert codes(repo, OPD) == set() and "peran-pengelola" in codes(repo, OPD, level=None)
    roles = copy.deepcopy(ROLES)
    roles["akun"]["teman-dinkes"] = {"peran": ["opd"], "opd": ["dinkes"]}
    repo.write("roles.yaml", roles)
    repo.commit("beri teman peran", author=OPD)
    assert codes(repo, OPD) == {"pr-berkas-aturan", "pr-codeowners"}


# --- output ----------------------------------------------------------------------------------


def test_summary_uses_the_labelled_change_model_of_diff(repo):
    start(repo, KOMPROMIN_LOG[:1])
    data = with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2)
    data["desain_kegiatan"] = data["desain_kegiatan"] | {"frekuensi": "Semesteran"}
    repo.write(KEG, data)
    repo.write(f"{ACTIVITY}/variabel/jumlah-kematian-bayi.yaml", VARIABEL | {"nama": "Jumlah kematian bayi"})
    repo.commit("usulan", author=OPD)
    result = check(repo, OPD, "--format", "markdown")
    assert result.exit_code == 0, result.output
    md = result.output
    assert "## Pemeriksaan PR" in md
    assert "Diajukan oleh `dinkes-pasuruan` (OPD (OPD: dinkes))" in md
    assert "Tidak ada galat atau peringatan" in md
    assert f"#### MS-Keg · berubah · `{KEG}`" in md
    assert '| 4.2 | Jika "berulang" (R.4.1. berkode 2), Frekuensi Penyelenggaraan | Tahunan | Semesteran |' in md
    assert "- **Langkah 2** · opd · dinkes-pasuruan · 2025-02-03T13:00:00+07:00 — Diajukan di Romantik." in md
    assert "#### MS-Var Jumlah kematian bayi · baru" in md
    report_ = json.loads(check(repo, OPD, "--format", "json").output)
    (keg,) = [r for r in report_["perubahan"]["rekaman"] if r["berkas"] == KEG]
    assert keg["perubahan"] == [
        {
            "jalur": "desain_kegiatan.frekuensi",
            "nomor": "4.2",
            "label": 'Jika "berulang" (R.4.1. berkode 2), Frekuensi Penyelenggaraan',
            "sebelum": "Tahunan",
            "sesudah": "Semesteran",
        }
    ]
    assert [e["langkah"] for e in keg["alur_baru"]] == [2]


def test_markdown_escapes_untrusted_text(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN | {"judul_kegiatan": "Kompilasi | <img src=x> `kode`"}, *KOMPROMIN_LOG[:1]))
    repo.commit("judul aneh", author=OPD)
    md = check(repo, OPD, "--format", "markdown").output
    assert "Kompilasi \\| &lt;img src=x&gt; \\`kode\\`" in md and "<img" not in md


def test_broken_yaml_in_the_pr_is_an_error(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.text(KEG, "judul_kegiatan: [\n")
    repo.commit("rusak", author=OPD)
    assert codes(repo, OPD) == {"yaml-sintaks"}


def test_unknown_ref_is_a_usage_error(repo):
    result = check(repo, OPD, base="tidak-ada")
    assert result.exit_code == 2 and "Revisi 'tidak-ada' tidak ditemukan" in result.output


def test_broken_rules_at_the_base_refuse_the_pr_with_a_finding(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.git("checkout", "-q", "main")
    (repo.root / "schemas/kode/datapackage.json").write_text("{", encoding="utf-8")
    repo.commit("daftar kode rusak", author=WALIDATA)
    repo.git("checkout", "-q", "usulan")
    repo.git("merge", "-q", "--no-edit", "main")
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], STEP_2))
    repo.commit("ajukan", author=OPD)
    result = check(repo, OPD)
    assert result.exit_code == 1 and "[pr-aturan-rusak]" in result.output and "Traceback" not in result.output


def test_a_data_file_of_an_approved_activity_is_content_as_for_the_recorder(repo):
    """data/*.csv is published with the activity: changing it re-opens review exactly as a record does."""
    repo.text(f"{ACTIVITY}/data/jumlah.csv", "jumlah-kelahiran-hidup\n410\n")
    start(repo, APPROVED)
    repo.text(f"{ACTIVITY}/data/jumlah.csv", "jumlah-kelahiran-hidup\n999999\n")
    repo.commit("angka baru", author=BPS)
    assert codes(repo, BPS) == {"pr-perlu-siklus-baru"}
    assert "atau berkas datanya (data/)" in check(repo, BPS).output
    data = report(repo, OPD)
    assert data["ringkasan"]["galat"] == 0
    assert "PR ini membuka siklus pemeriksaan baru (langkah 7" in data["catatan"][0]
