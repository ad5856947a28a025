"""The forge attests: reviews, approvals and merges on GitHub become SOP events (`satudata catat-forge`).

Driven end to end in a real git repository with payloads derived from GitHub's published examples:
the OPD opens a PR, Walidata reviews, BPS requests changes, the OPD fixes, BPS approves, Walidata
merges; the recorder appends the events with GitHub's times and logins, and the activity is public.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, SURVEI, VARIABEL, ev, with_log
from forgetools import Forge

from pipeline.cli import main
from pipeline.contract.schema import Schemas
from pipeline.publish.model import build_model
from pipeline.read.catalog import load_catalog
from pipeline.read.loader import load
from pipeline.sop.state import is_public, status

OPD, WALIDATA, BPS = "dinkes-pasuruan", "walidata-pasuruan", "bps-kab-pasuruan"
SURVEY = "metadata/dinkes/2025-survei-kepuasan"
KEG = f"{SURVEY}/kegiatan.yaml"


@pytest.fixture
def forge(repo):
    return Forge(repo, {OPD: "opd", WALIDATA: "walidata", BPS: "bps", "dispendik-pasuruan": "opd"})


def log(repo, path=KEG) -> list[dict]:
    return load(repo.root / path).data["alur"]["riwayat"]


def check_pr(repo, pr) -> None:
    """What the PR check workflow runs on every push: it must pass for the flow to go on."""
    args = ["check-pr", "main", pr.branch, "--aktor", pr.author, "--katalog", str(repo.root)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_a_survey_from_request_to_publication_with_reviews_on_github(repo, forge):
    """The whole SOP for one survey; the tally is how many PRs and commands each role needed."""
    # --- the request for a recommendation (steps 1–6) -----------------------------------------
    repo.branch("rekomendasi")
    repo.write(KEG, SURVEI)
    repo.write(f"{SURVEY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)
    for step, at in ((1, "2025-01-06T09:00:00+07:00"), (2, "2025-01-06T13:00:00+07:00")):  # in Romantik
        forge.satudata(OPD, "langkah", repo.root / SURVEY, step, "--aktor", OPD, "--waktu", at)
    repo.commit("Ajukan rekomendasi Survei Kepuasan", author=OPD, date="2025-01-06T13:05:00+07:00")
    request = forge.open("rekomendasi", OPD, "2025-01-06 13:10")
    check_pr(repo, request)
    forge.review(request, WALIDATA, "approved", "2025-01-07 09:00", "Sudah diperiksa Walidata.")
    forge.review(request, BPS, "changes_requested", "2025-01-08 09:00", "Fraksi sampel belum sesuai rancangan.")
    repo.git("checkout", "-q", "rekomendasi")
    data = copy.deepcopy(load(repo.root / KEG).data)
    data["desain_sampel"]["fraksi_sampel"] = 0.1
    repo.write(KEG, data)
    repo.commit("Perbaiki fraksi sampel", author=OPD, date="2025-01-08T10:00:00+07:00")
    check_pr(repo, request)
    forge.review(request, BPS, "approved", "2025-01-09 08:00")
    forge.merge(request, WALIDATA, "2025-01-09 08:05")
    recorded = forge.record(request)
    assert "PR #1: 4 peristiwa dicatat di 1 kegiatan (satu commit)." in recorded.output
    assert [(e["langkah"], e["peran"], e["aktor"]) for e in log(repo)[2:]] == [
        (3, "walidata", WALIDATA),
        (3, "bps", BPS),
        (5, "opd", OPD),
        (3, "bps", BPS),
    ]
    assert log(repo)[3]["catatan"] == "Fraksi sampel belum sesuai rancangan."
    # the letter is issued in Romantik: BPS types step 6 in its own small PR
    repo.branch("surat")
    forge.satudata(
        BPS, "langkah", repo.root / SURVEY, 6, "--aktor", BPS, "--waktu", "2025-01-09T09:10:00+07:00",
        "--tanggal-surat", "2025-01-09",
    )  # fmt: skip
    repo.commit("Surat rekomendasi V-25.3514.004", author=BPS, date="2025-01-09T09:12:00+07:00")
    letter = forge.open("surat", BPS, "2025-01-09 09:15")
    check_pr(repo, letter)
    forge.review(letter, WALIDATA, "approved", "2025-01-09 09:30")
    forge.merge(letter, WALIDATA, "2025-01-09 09:31")
    assert "PR #2: 0 peristiwa dicatat di 0 kegiatan." in forge.record(letter).output
    # --- reporting the metadata (steps 7–12) on GitHub alone ----------------------------------------
    repo.branch("lapor")
    repo.write(f"{SURVEY}/variabel/jumlah-kematian-bayi.yaml", VARIABEL | {"nama": "Jumlah kematian bayi"})
    data = copy.deepcopy(load(repo.root / KEG).data)
    data["perencanaan"]["variabel_dikumpulkan"].append(
        {"nama": "Jumlah kematian bayi", "definisi": "Bayi meninggal.", "referensi_waktu": "Tahun lalu"}
    )
    repo.write(KEG, data)
    repo.commit("Lapor metadata Survei Kepuasan", author=OPD, date="2025-01-10T08:50:00+07:00")
    report = forge.open("lapor", OPD, "2025-01-10 09:00")
    check_pr(repo, report)
    forge.review(report, WALIDATA, "approved", "2025-01-10 10:00", "Dilaporkan ke Indah.\n/indah 123456")
    forge.review(report, BPS, "changes_requested", "2025-01-13 09:00", "Definisi kematian bayi kurang lengkap.")
    repo.git("checkout", "-q", "lapor")
    repo.write(
        f"{SURVEY}/variabel/jumlah-kematian-bayi.yaml",
        VARIABEL | {"nama": "Jumlah kematian bayi", "definisi": "Bayi yang meninggal sebelum berumur satu tahun."},
    )
    repo.commit("Lengkapi definisi", author=OPD, date="2025-01-13T11:00:00+07:00")
    check_pr(repo, report)
    forge.review(report, BPS, "approved", "2025-01-13 14:00", "Disetujui.")
    merge = forge.merge(report, WALIDATA, "2025-01-13 14:10")
    assert not is_public(load(repo.root / KEG).data)  # merged, but the approval is not recorded yet
    forge.record(report)
    added = log(repo)[-5:]
    assert [(e["langkah"], e["waktu"], e["peran"], e["aktor"]) for e in added] == [
        (7, "2025-01-10T09:00:00+07:00", "opd", OPD),
        (8, "2025-01-10T10:00:00+07:00", "walidata", WALIDATA),
        (9, "2025-01-13T09:00:00+07:00", "bps", BPS),
        (11, "2025-01-13T14:00:00+07:00", "bps", BPS),
        (12, "2025-01-13T14:10:00+07:00", "walidata", WALIDATA),
    ]
    assert all(e["sumber"] == "forge" and e["pr"] == 3 for e in added)
    assert added[1]["indah"] == "123456" and added[1]["catatan"] == "Dilaporkan ke Indah."
    assert added[3]["commit"] == forge.head("lapor") and added[4]["commit"] == merge
    # --- public, and the catalog is valid --------------------------------------------------------
    assert repo.git("log", "-1", "--format=%an %s") == "github-actions[bot] SOP: peristiwa dari GitHub untuk PR #3"
    catalog = load_catalog(repo.root)
    model = build_model(catalog, Schemas.find(repo.root))
    assert [a.ident for a in model.activities] == ["dinkes/2025-survei-kepuasan"]
    assert status(catalog.get("kegiatan", "dinkes/2025-survei-kepuasan").data).menunggu == [13]
    result = CliRunner().invoke(main, ["validate", str(repo.root), "--tanpa-cache"])
    assert result.exit_code == 0, result.output
    # --- what one survey asked of each role (see the report and docs/alur-sop.md) -------------------
    assert forge.tally == {
        "opd": {"pr": 2, "perintah": 2, "tinjauan": 0, "gabung": 0},
        "walidata": {"pr": 0, "perintah": 0, "tinjauan": 3, "gabung": 3},
        "bps": {"pr": 1, "perintah": 1, "tinjauan": 4, "gabung": 0},
    }


def start(repo, log_, branch="usulan"):
    repo.write(f"{ACTIVITY}/kegiatan.yaml", with_log(KOMPROMIN, *log_))
    repo.commit("awal")
    repo.branch(branch)


def change_content(repo, author=OPD, date="2025-02-03T10:00:00+07:00", unit="orang"):
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"satuan": unit})
    repo.commit(f"satuan {unit}", author=author, date=date)


def test_an_approval_of_an_older_commit_is_no_approval(repo, forge):
    start(repo, KOMPROMIN_LOG[:1])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.review(pr, WALIDATA, "approved", "2025-02-03 11:00", "/indah 99")
    forge.review(pr, BPS, "approved", "2025-02-04 09:00")
    change_content(repo, date="2025-02-04T10:00:00+07:00", unit="jiwa per tahun")  # pushed after BPS approved
    forge.review(pr, WALIDATA, "approved", "2025-02-04 11:00")
    forge.merge(pr, WALIDATA, "2025-02-04 11:05")
    forge.record(pr)
    events = log(repo, f"{ACTIVITY}/kegiatan.yaml")
    # BPS reviewed (9) a commit that was not merged: no approval; Walidata's later Approve is its revision (10)
    assert [e["langkah"] for e in events] == [1, 7, 8, 9, 10]
    assert events[2]["indah"] == "99"
    assert not is_public(load(repo.root / ACTIVITY / "kegiatan.yaml").data)


@pytest.mark.parametrize(("closer", "end"), [(BPS, "ditolak"), (OPD, "dibatalkan")])
def test_a_pr_closed_without_merge_ends_the_report(repo, forge, closer, end):
    start(repo, KOMPROMIN_LOG[:1])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.review(pr, WALIDATA, "approved", "2025-02-03 11:00")
    forge.review(pr, BPS, "changes_requested", "2025-02-04 09:00", "Bukan kegiatan statistik sektoral.")
    forge.close(pr, closer, "2025-02-04 09:30")
    forge.record(pr)
    events = log(repo, f"{ACTIVITY}/kegiatan.yaml")
    assert [e.get("langkah", e.get("akhir")) for e in events] == [1, 7, 8, 9, end]
    st = status(load(repo.root / ACTIVITY / "kegiatan.yaml").data, pada=None)
    assert (st.akhir, st.menunggu, st.selesai) == (end, [], True)
    result = CliRunner().invoke(main, ["status", str(repo.root), "--pada", "2025-03-03T09:00:00+07:00"])
    assert "0 terlambat" in result.output and end in result.output
    assert CliRunner().invoke(main, ["validate", str(repo.root), "--tanpa-cache"]).exit_code == 0


def test_a_closed_revision_of_an_approved_activity_records_nothing(repo, forge):
    start(repo, KOMPROMIN_LOG[:7])
    change_content(repo, date="2025-03-03T10:00:00+07:00")
    pr = forge.open("usulan", OPD, "2025-03-03 10:05")
    forge.close(pr, BPS, "2025-03-04 09:00")
    result = forge.record(pr)
    assert "kegiatan tetap disetujui" in result.output
    assert len(log(repo, f"{ACTIVITY}/kegiatan.yaml")) == 7 and is_public(
        load(repo.root / ACTIVITY / "kegiatan.yaml").data
    )


def test_recording_twice_adds_nothing_and_reviews_before_the_last_event_are_left_out(repo, forge):
    start(repo, KOMPROMIN_LOG[:1])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.review(pr, WALIDATA, "approved", "2025-02-03 11:00")
    forge.review(pr, "orang-asing", "approved", "2025-02-03 11:30")
    forge.review(pr, BPS, "approved", "2025-02-04 09:00")
    forge.merge(pr, WALIDATA, "2025-02-04 09:10")
    first = forge.record(pr)
    assert (
        "approved" not in first.output
        and "orang-asing" in first.output
        and "akun tidak ada di roles.yaml" in first.output
    )
    before = repo.git("rev-parse", "HEAD")
    again = forge.record(pr)
    assert "sudah tercatat" in again.output and repo.git("rev-parse", "HEAD") == before
    assert [e["langkah"] for e in log(repo, f"{ACTIVITY}/kegiatan.yaml")] == [1, 7, 8, 9, 11, 12]


def test_rest_api_reviews_and_a_typed_event_after_a_review(repo, forge, tmp_path):
    """REST shapes (upper-case states, bare objects) work; an observation older than a typed event is skipped."""
    start(repo, [])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.review(pr, WALIDATA, "approved", "2025-02-03 11:00")
    repo.git("checkout", "-q", "usulan")
    repo.write(f"{ACTIVITY}/kegiatan.yaml", with_log(KOMPROMIN, ev(1, "2025-02-03 12:00")))
    repo.commit("langkah 1 ketinggalan", author=OPD, date="2025-02-03T12:01:00+07:00")
    forge.review(pr, WALIDATA, "approved", "2025-02-03 13:00")
    forge.merge(pr, WALIDATA, "2025-02-03 13:05")
    event, _ = forge.files(pr)
    rest = [dict(p["review"], state=p["review"]["state"].upper()) for p in pr.reviews]
    (tmp_path / "r.json").write_text(json.dumps(rest), encoding="utf-8")
    repo.git("checkout", "-q", "main")
    args = [
        "catat-forge",
        str(event),
        "--tinjauan",
        str(tmp_path / "r.json"),
        "--katalog",
        str(repo.root),
        "--format",
        "json",
    ]
    data = json.loads(CliRunner().invoke(main, args, catch_exceptions=False).output)
    (entry,) = data["kegiatan"]
    assert [e["langkah"] for e in entry["peristiwa"]] == []  # 7 came before step 1 was typed: left out
    assert any("lebih awal daripada peristiwa terakhir" in s for s in entry["dilewati"])


def test_bad_forge_data_is_a_finding(repo, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"pull_request": {"number": 1}}), encoding="utf-8")
    result = CliRunner().invoke(main, ["catat-forge", str(bad), "--katalog", str(repo.root)])
    assert result.exit_code == 1 and "[forge-data-tidak-sah]" in result.output and "Traceback" not in result.output
    bad.write_text("{", encoding="utf-8")
    assert (
        "[forge-data-tidak-sah]"
        in CliRunner().invoke(main, ["catat-forge", str(bad), "--katalog", str(repo.root)]).output
    )


def test_the_recorder_refuses_a_dirty_checkout(repo, forge):
    start(repo, KOMPROMIN_LOG[:1])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.merge(pr, WALIDATA, "2025-02-03 11:00")
    event, reviews = forge.files(pr)
    path = repo.root / ACTIVITY / "kegiatan.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# disunting\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["catat-forge", str(event), "--tinjauan", str(reviews), "--katalog", str(repo.root)]
    )
    assert result.exit_code == 1 and "[forge-folder-kerja]" in result.output
    assert (
        yaml.safe_load(path.read_text(encoding="utf-8"))["alur"]["riwayat"]
        == with_log(KOMPROMIN, *KOMPROMIN_LOG[:1])["alur"]["riwayat"]
    )


def test_a_merge_by_the_opd_is_the_publication_walidata_approved(repo, forge):
    start(repo, KOMPROMIN_LOG[:1])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.review(pr, WALIDATA, "approved", "2025-02-03 11:00")
    forge.review(pr, BPS, "approved", "2025-02-04 09:00")
    forge.merge(pr, OPD, "2025-02-04 09:10")
    forge.record(pr)
    last = log(repo, f"{ACTIVITY}/kegiatan.yaml")[-1]
    assert (last["langkah"], last["peran"], last["aktor"]) == (12, "walidata", WALIDATA)
    assert last["catatan"].endswith("Digabung oleh dinkes-pasuruan atas persetujuan Walidata walidata-pasuruan.")


@pytest.mark.parametrize(
    ("on_main", "first", "steps"),
    [
        (KOMPROMIN_LOG[:1], BPS, [1, 7, 8, 9, 11, 12]),  # BPS's approval waits for Walidata's step 8
        (KOMPROMIN_LOG[:1], WALIDATA, [1, 7, 8, 9, 11, 12]),
        (KOMPROMIN_LOG[:4], BPS, [1, 7, 8, 9, 11, 12]),  # at step 9: Walidata's later approval opens no cycle
        (KOMPROMIN_LOG[:4], WALIDATA, [1, 7, 8, 9, 10, 11, 12]),  # Walidata's approval is its revision (10)
    ],
)
def test_the_order_of_the_two_required_approvals_does_not_change_the_result(repo, forge, on_main, first, steps):
    """Walidata (code owner) and BPS approve the same head in either order: BPS's approval (11) and
    the merge (12) are recorded, in time order, and the activity is public."""
    start(repo, on_main)
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-10 10:05")
    forge.review(pr, first, "approved", "2025-02-10 11:00")
    forge.review(pr, WALIDATA if first == BPS else BPS, "approved", "2025-02-10 13:00")
    forge.merge(pr, WALIDATA, "2025-02-10 14:00")
    result = forge.record(pr)
    data = load(repo.root / ACTIVITY / "kegiatan.yaml").data
    assert [e["langkah"] for e in data["alur"]["riwayat"]] == steps, result.output
    assert status(data, pada=None).disetujui and is_public(data)
    times = [e["waktu"] for e in data["alur"]["riwayat"]]
    assert times == sorted(times)
    assert CliRunner().invoke(main, ["validate", str(repo.root), "--tanpa-cache"]).exit_code == 0


def test_a_pr_whose_head_is_not_in_the_checkout_is_a_finding_until_its_pull_ref_is_fetched(repo, forge, tmp_path):
    """GitHub's "Delete branch" (or a fork): main's checkout lacks the head; GitHub keeps refs/pull/N/head."""
    import subprocess

    start(repo, KOMPROMIN_LOG[:1])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.close(pr, OPD, "2025-02-03 12:00")
    event, reviews = forge.files(pr)
    repo.git("update-ref", "refs/pull/1/head", "usulan")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-D", "usulan")
    clone = tmp_path / "salinan"

    def git(*args):
        return subprocess.run(["git", "-C", str(clone), *args], capture_output=True, text=True, check=True).stdout

    subprocess.run(["git", "clone", "-q", "--no-local", "--single-branch", "-b", "main", str(repo.root), str(clone)],
                   check=True)  # fmt: skip
    args = ["catat-forge", str(event), "--tinjauan", str(reviews), "--katalog", str(clone), "--commit"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "[forge-commit-tidak-ada]" in result.output, result.output
    assert "git fetch origin refs/pull/1/head" in result.output and "Traceback" not in result.output
    assert git("status", "--porcelain") == "" and len(git("log", "--oneline").splitlines()) == 2
    git("fetch", "-q", "--no-tags", "origin", "refs/pull/1/head")  # what the recorder workflow does
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    recorded = yaml.safe_load((clone / ACTIVITY / "kegiatan.yaml").read_text(encoding="utf-8"))["alur"]["riwayat"]
    assert [e.get("langkah", e.get("akhir")) for e in recorded] == [1, 7, "dibatalkan"]


def test_check_pr_and_the_recorder_agree_that_a_data_file_is_content(repo, forge):
    """The OPD's data fix of an approved activity: check-pr says a new cycle opens, the recorder opens it."""
    repo.text(f"{ACTIVITY}/data/jumlah.csv", "jumlah-kelahiran-hidup\n410\n")
    start(repo, KOMPROMIN_LOG[:7])
    repo.text(f"{ACTIVITY}/data/jumlah.csv", "jumlah-kelahiran-hidup\n411\n")
    repo.commit("angka diperbaiki", author=OPD, date="2025-03-03T10:00:00+07:00")
    args = ["check-pr", "main", "usulan", "--aktor", OPD, "--katalog", str(repo.root), "--format", "json"]
    report = json.loads(CliRunner().invoke(main, args, catch_exceptions=False).output)
    assert any("membuka siklus pemeriksaan baru (langkah 7" in note for note in report["catatan"])
    pr = forge.open("usulan", OPD, "2025-03-03 10:05")
    forge.merge(pr, WALIDATA, "2025-03-03 11:00")
    forge.record(pr)
    assert [e["langkah"] for e in log(repo, f"{ACTIVITY}/kegiatan.yaml")][-2:] == [11, 7]


def test_walidatas_re_approval_after_a_fix_and_bps_approval_keeps_the_publication(repo, forge):
    """The ruleset's require_last_push_approval: after the OPD's fix, the code owner approves again,
    after BPS; the merge is still step 12 and the activity is public."""
    start(repo, KOMPROMIN_LOG[:1])
    change_content(repo)
    pr = forge.open("usulan", OPD, "2025-02-10 10:05")
    forge.review(pr, WALIDATA, "approved", "2025-02-10 11:00", "/indah 12")
    forge.review(pr, BPS, "changes_requested", "2025-02-11 09:00", "Satuan belum baku.")
    repo.git("checkout", "-q", "usulan")
    change_content(repo, date="2025-02-11T10:00:00+07:00", unit="jiwa per tahun")
    forge.review(pr, BPS, "approved", "2025-02-11 13:00")
    forge.review(pr, WALIDATA, "approved", "2025-02-11 14:00")
    forge.merge(pr, WALIDATA, "2025-02-11 14:30")
    result = forge.record(pr)
    data = load(repo.root / ACTIVITY / "kegiatan.yaml").data
    assert [e["langkah"] for e in data["alur"]["riwayat"]] == [1, 7, 8, 9, 11, 12], result.output
    assert is_public(data) and "tidak membuka siklus pemeriksaan baru" in result.output
