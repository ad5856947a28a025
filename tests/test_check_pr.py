"""`satudata check-pr` on real git repositories: roles, append-only log, review cycles."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, ROLES, VARIABEL, ev, with_log

from pipeline.cli import main
from pipeline.contract.schema import BUNDLED

KEG = f"{ACTIVITY}/kegiatan.yaml"
VAR = f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml"
APPROVED = KOMPROMIN_LOG[:7]  # … 9 → 11


def check(repo, actor, *extra, base="main", head="HEAD"):
    args = ["check-pr", base, head, "--aktor", actor, "--katalog", str(repo.root), *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def codes(repo, actor, base="main"):
    result = check(repo, actor, "--format", "json", base=base)
    report = json.loads(result.output)
    assert result.exit_code == (1 if report["ringkasan"]["galat"] else 0)
    return {f["kode"] for f in report["temuan"]}


def start(repo, log, branch="usulan"):
    """main holds the activity with `log`; a PR branch is checked out."""
    repo.write(KEG, with_log(KOMPROMIN, *log))
    repo.commit("riwayat di main")
    repo.branch(branch)


def test_opd_appends_its_own_step(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:2]))
    repo.commit("lapor metadata ke walidata")
    result = check(repo, "dinkes-pasuruan")
    assert result.exit_code == 0, result.output
    assert "PR oleh 'dinkes-pasuruan': 1 berkas metadata berubah, 0 galat." in result.output


def test_opd_cannot_record_bps_approval(repo):
    start(repo, KOMPROMIN_LOG[:6])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:6], ev(11, "2025-02-06 09:10") | {"aktor": "dinkes-pasuruan"}))
    repo.commit("setujui sendiri")
    result = check(repo, "dinkes-pasuruan")
    assert result.exit_code == 1
    assert "GALAT [pr-peran-aktor]" in result.output
    assert (
        "Langkah 11 dicatat dengan peran 'bps', tetapi akun 'dinkes-pasuruan' berperan OPD (OPD: dinkes)."
        in result.output
    )
    assert check(repo, "bps-kab-pasuruan").exit_code == 1  # BPS may, but the event names another aktor
    assert codes(repo, "bps-kab-pasuruan") == {"pr-aktor"}


def test_bps_records_its_approval(repo):
    start(repo, KOMPROMIN_LOG[:6])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:7]))
    repo.commit("disetujui BPS")
    assert codes(repo, "bps-kab-pasuruan") == set()
    assert codes(repo, "BPS-Kab-Pasuruan") == set()  # GitHub logins are case-insensitive


def test_opd_acts_only_for_its_own_opd(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(
        KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], ev(7, "2025-02-03 10:00") | {"aktor": "dispendik-pasuruan"})
    )
    repo.commit("opd lain")
    assert codes(repo, "dispendik-pasuruan") == {"pr-peran-opd", "pr-opd-lain"}
    assert codes(repo, "walidata-pasuruan") == {"pr-peran-aktor", "pr-aktor"}


def test_unknown_account(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:2]))
    repo.commit("x")
    assert codes(repo, "orang-asing") == {"pr-akun-tak-dikenal"}


def test_earlier_events_cannot_be_edited_or_removed(repo):
    start(repo, KOMPROMIN_LOG[:3])
    edited = [KOMPROMIN_LOG[0], KOMPROMIN_LOG[1] | {"catatan": "diubah belakangan"}, KOMPROMIN_LOG[2]]
    repo.write(KEG, with_log(KOMPROMIN, *edited))
    repo.commit("ubah catatan lama")
    result = check(repo, "dinkes-pasuruan")
    assert result.exit_code == 1 and "[pr-riwayat-diubah]" in result.output
    assert "Peristiwa ke-2 di alur.riwayat (langkah 7) diubah" in result.output
    line = int(result.output.split(f"{KEG}:")[1].split(":")[0])
    text = repo.root.joinpath(KEG).read_text(encoding="utf-8").splitlines()
    assert text[line - 1].strip() == "- langkah: 7"
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:2]))
    repo.commit("hapus peristiwa terakhir")
    assert codes(repo, "walidata-pasuruan") == {"pr-riwayat-dihapus"}


def test_formatting_only_edits_of_old_events_are_fine(repo):
    start(repo, KOMPROMIN_LOG[:2])
    text = repo.root.joinpath(KEG).read_text(encoding="utf-8")
    repo.text(KEG, "# komentar baru\n" + text.replace("peran: opd", "peran: 'opd'"))
    repo.commit("hanya format")
    assert codes(repo, "dinkes-pasuruan") == set()


def test_approved_activity_needs_a_new_review_cycle_for_metadata_changes(repo):
    start(repo, APPROVED)
    repo.write(VAR, VARIABEL | {"satuan": "orang"})
    repo.commit("ubah satuan")
    result = check(repo, "dinkes-pasuruan")
    assert result.exit_code == 1 and "[pr-perlu-siklus-baru]" in result.output
    assert f"satudata langkah {ACTIVITY} 7" in result.output
    repo.write(KEG, with_log(KOMPROMIN, *APPROVED, ev(7, "2025-03-03 09:00")))
    repo.commit("siklus baru")
    assert codes(repo, "dinkes-pasuruan") == set()


def test_changes_to_the_ms_keg_itself_also_need_a_cycle(repo):
    start(repo, KOMPROMIN_LOG)  # approved, published, carried out
    repo.write(KEG, with_log(KOMPROMIN | {"sektor_kegiatan": "Pembangunan"}, *KOMPROMIN_LOG))
    repo.commit("ubah sektor")
    assert codes(repo, "walidata-pasuruan") == {"pr-perlu-siklus-baru"}
    repo.write(KEG, with_log(KOMPROMIN | {"sektor_kegiatan": "Pembangunan"}, *KOMPROMIN_LOG, ev(8, "2025-03-03 09:00")))
    repo.commit("walidata membuka siklus baru")
    assert codes(repo, "walidata-pasuruan") == set()


def test_changes_before_approval_need_no_new_cycle(repo):
    start(repo, KOMPROMIN_LOG[:4])  # under BPS review
    repo.write(VAR, VARIABEL | {"satuan": "orang"})
    repo.commit("perbaikan sesuai catatan")
    assert codes(repo, "walidata-pasuruan") == set()


def test_roles_come_from_the_base_branch(repo):
    start(repo, KOMPROMIN_LOG[:6])
    roles = ROLES | {"akun": ROLES["akun"] | {"dinkes-pasuruan": {"peran": ["opd", "bps"], "opd": ["dinkes"]}}}
    repo.write("roles.yaml", roles)
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:6], ev(11, "2025-02-06 09:10") | {"aktor": "dinkes-pasuruan"}))
    repo.commit("beri diri sendiri peran bps")
    assert codes(repo, "dinkes-pasuruan") == {"pr-peran-aktor"}


def test_missing_roles_file_at_base(repo):
    repo.git("rm", "-q", "roles.yaml")
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:2]))
    repo.commit("x")
    assert codes(repo, "dinkes-pasuruan") == {"pr-peran-tidak-ada", "pr-akun-tak-dikenal"}


def test_deleting_an_activity_with_history(repo):
    start(repo, KOMPROMIN_LOG[:2])
    repo.git("rm", "-q", "-r", ACTIVITY)
    repo.commit("hapus kegiatan")
    assert codes(repo, "dinkes-pasuruan") == {"pr-hapus-riwayat"}
    assert codes(repo, "walidata-pasuruan") == set()


def test_compares_with_the_merge_base(repo):
    """Events added on main after the PR branched are not the PR's; the PR's own are checked."""
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:2]))
    repo.commit("opd melapor")
    repo.git("checkout", "-q", "main")
    repo.write("metadata/dispendik/opd.yaml", {"nama": "berubah di main"})
    repo.commit("perubahan lain di main")
    repo.git("checkout", "-q", "usulan")
    assert codes(repo, "dinkes-pasuruan") == set()


def test_summary_lists_labelled_field_changes_and_new_steps(repo):
    start(repo, KOMPROMIN_LOG[:1])
    data = with_log(KOMPROMIN, *KOMPROMIN_LOG[:2])
    data["desain_kegiatan"] = data["desain_kegiatan"] | {"frekuensi": "Semesteran"}
    repo.write(KEG, data)
    repo.write(f"{ACTIVITY}/variabel/jumlah-kematian-bayi.yaml", VARIABEL | {"nama": "Jumlah kematian bayi"})
    repo.commit("usulan")
    result = check(repo, "dinkes-pasuruan", "--format", "markdown")
    assert result.exit_code == 0, result.output
    md = result.output
    assert "## Ringkasan perubahan metadata" in md
    assert "Diajukan oleh `dinkes-pasuruan` (OPD (OPD: dinkes))" in md
    assert f"### MS-Keg: `{KEG}` (diubah)" in md
    assert '| 4.2 Jika "berulang" (R.4.1. berkode 2), Frekuensi Penyelenggaraan | Tahunan | Semesteran |' in md
    assert (
        "- Langkah SOP baru **7 Lapor metadata ke Walidata** oleh OPD `dinkes-pasuruan`, 2025-02-03T10:00:00+07:00"
        in md
    )
    assert f"### MS-Var: `{ACTIVITY}/variabel/jumlah-kematian-bayi.yaml` (baru)" in md
    assert "Tidak ada pelanggaran aturan alur dan peran." in md
    report = json.loads(check(repo, "dinkes-pasuruan", "--format", "json").output)
    (keg,) = [c for c in report["perubahan"] if c["berkas"] == KEG]
    assert keg["bidang"] == [
        {
            "lokasi": "desain_kegiatan.frekuensi",
            "isian": '4.2 Jika "berulang" (R.4.1. berkode 2), Frekuensi Penyelenggaraan',
            "lama": "Tahunan",
            "baru": "Semesteran",
        }
    ]
    assert [e["langkah"] for e in keg["peristiwa"]] == [7]


def test_markdown_escapes_untrusted_text(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.write(KEG, with_log(KOMPROMIN | {"judul_kegiatan": "Kompilasi | <img src=x> `kode`"}, *KOMPROMIN_LOG[:1]))
    repo.commit("judul aneh")
    md = check(repo, "dinkes-pasuruan", "--format", "markdown").output
    assert "Kompilasi \\| &lt;img src=x> 'kode'" in md and "<img" not in md


def test_broken_yaml_in_the_pr_is_an_error(repo):
    start(repo, KOMPROMIN_LOG[:1])
    repo.text(KEG, "judul_kegiatan: [\n")
    repo.commit("rusak")
    assert codes(repo, "dinkes-pasuruan") == {"yaml-sintaks"}


def test_unknown_ref_is_a_usage_error(repo):
    result = check(repo, "dinkes-pasuruan", base="tidak-ada")
    assert result.exit_code == 2 and "Revisi 'tidak-ada' tidak ditemukan" in result.output


def test_rules_come_from_the_base_branch_not_the_pr(repo):
    """A PR that edits schemas/sop.yaml cannot use the edit to pass its own check."""
    schemas = repo.root / "schemas"
    shutil.copytree(BUNDLED, schemas)
    start(repo, APPROVED)
    sop = (schemas / "sop.yaml").read_text(encoding="utf-8")
    (schemas / "sop.yaml").write_text(sop.replace("disetujui: 11", "disetujui: 12"), encoding="utf-8")
    repo.write(VAR, VARIABEL | {"satuan": "orang"})
    repo.commit("longgarkan aturan dan ubah satuan")
    assert codes(repo, "dinkes-pasuruan") == {"pr-perlu-siklus-baru"}
