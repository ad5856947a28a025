"""`satudata periksa-terbit`: before the portal is published, main's history since the last
publication must be checked PR merges and the recorder's own commits, nothing else."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, VARIABEL, ev, with_log
from forgetools import Forge

from pipeline.cli import main
from pipeline.contract.schema import BUNDLED

OPD, WALIDATA, BPS = "dinkes-pasuruan", "walidata-pasuruan", "bps-kab-pasuruan"
KEG = f"{ACTIVITY}/kegiatan.yaml"


@pytest.fixture
def flow(repo):
    """main published at `since`; then one PR reviewed on GitHub and merged (not yet recorded)."""
    shutil.copytree(BUNDLED, repo.root / "schemas")
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    repo.since = repo.commit("terbit terakhir")
    forge = Forge(repo, {OPD: "opd", WALIDATA: "walidata", BPS: "bps"})
    repo.branch("usulan")
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"satuan": "orang"})
    repo.commit("ubah satuan", author=OPD, date="2025-02-03T10:00:00+07:00")
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.review(pr, WALIDATA, "approved", "2025-02-03 11:00", "/indah 77")
    forge.review(pr, BPS, "approved", "2025-02-04 09:00")
    forge.merge(pr, WALIDATA, "2025-02-04 09:10")
    repo.forge, repo.pr = forge, pr
    return repo


def verify(repo, *extra):
    args = [
        "periksa-terbit",
        "--sejak",
        repo.since,
        "--forge",
        repo.forge.forge_dir(),
        "--katalog",
        repo.root,
        "--format",
        "json",
        *extra,
    ]
    result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    return result.exit_code, json.loads(result.output)


def test_checked_merges_and_the_recorders_commit_are_published(flow):
    code, data = verify(flow)
    assert (code, data["siap"], data["menunggu_pencatatan"]) == (0, False, [1])  # wait for the recorder
    flow.forge.record(flow.pr)
    code, data = verify(flow)
    assert (code, data["siap"], data["temuan"], data["commit_diperiksa"]) == (0, True, [], 2)
    assert data["perlu_pr"] == [1] and len(data["gabungan"]) == 1


def test_output_for_the_workflow(flow, tmp_path):
    flow.forge.record(flow.pr)
    out = tmp_path / "github-output"
    args = [
        "periksa-terbit",
        "--sejak",
        flow.since,
        "--forge",
        str(flow.forge.forge_dir()),
        "--katalog",
        str(flow.root),
    ]
    result = CliRunner().invoke(main, [*args, "--keluaran", str(out)], catch_exceptions=False)
    assert result.exit_code == 0 and "2 commit diperiksa: siap diterbitkan." in result.output
    assert out.read_text(encoding="utf-8") == "siap=true\n"


def test_a_direct_push_of_an_event_is_refused_with_the_commit_and_why(flow):
    flow.forge.record(flow.pr)
    flow.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], *_recorded(flow), ev(13, "2025-02-05 09:00")))
    sha = flow.commit("langsung ke main", author=OPD)
    code, data = verify(flow)
    (found,) = data["temuan"]
    assert code == 1 and found["kode"] == "terbit-commit-tak-sah" and found["berkas"] == sha[:10]
    assert "menambah peristiwa yang bukan dari forge" in found["pesan"] and not data["siap"]


def _recorded(repo):
    from pipeline.read.loader import load

    return load(repo.root / KEG).data["alur"]["riwayat"][1:]


def test_a_forged_recorder_commit_is_refused(flow):
    events = [
        ev(7, "2025-02-03 10:05") | {"sumber": "forge", "pr": 1},
        ev(8, "2025-02-03 11:00") | {"sumber": "forge", "pr": 1},
        ev(9, "2025-02-04 09:00") | {"sumber": "forge", "pr": 1},
        ev(11, "2025-02-03 09:00") | {"sumber": "forge", "pr": 1, "aktor": BPS},  # earlier than BPS's real approval
    ]
    flow.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1], *events))
    flow.commit("SOP: peristiwa dari GitHub untuk PR #1")
    code, data = verify(flow)
    assert code == 1 and [f["kode"] for f in data["temuan"]] == ["terbit-commit-tak-sah"]
    assert "tidak sama dengan yang dicatat GitHub untuk PR #1" in data["temuan"][0]["pesan"]


def test_a_merge_that_fails_check_pr_or_is_not_a_pr_is_refused(flow):
    flow.forge.record(flow.pr)
    flow.git("checkout", "-q", "-b", "lewat")
    flow.write(
        KEG,
        with_log(
            KOMPROMIN,
            *KOMPROMIN_LOG[:1],
            *_recorded(flow),
            ev(13, "2025-02-05 09:00") | {"langkah": 12, "peran": "walidata", "aktor": OPD},
        ),
    )
    flow.commit("OPD mengetik publikasi", author=OPD)
    pr = flow.forge.open("lewat", OPD, "2025-02-05 10:00")
    flow.forge.merge(pr, WALIDATA, "2025-02-05 10:05")  # merged although its check failed (an admin bypass)
    code, data = verify(flow)
    assert code == 1 and [f["kode"] for f in data["temuan"]] == ["terbit-pr-gagal"]
    assert (
        "PR #2 oleh 'dinkes-pasuruan'" in data["temuan"][0]["pesan"]
        and "pr-langkah-forge" in data["temuan"][0]["pesan"]
    )
    shutil.rmtree(flow.forge.dir / "data" / "2")
    del flow.forge.prs[2]
    code, data = verify(flow)
    assert code == 1 and [f["kode"] for f in data["temuan"]] == ["terbit-bukan-pr"]


def test_a_merge_commit_with_changes_of_its_own_is_refused(repo):
    shutil.copytree(BUNDLED, repo.root / "schemas")
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    repo.since = repo.commit("terbit terakhir")
    forge = repo.forge = Forge(repo, {OPD: "opd", WALIDATA: "walidata", BPS: "bps"})
    repo.branch("usulan")
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"satuan": "orang"})
    repo.commit("ubah satuan", author=OPD)
    pr = forge.open("usulan", OPD, "2025-02-03 10:05")
    forge.merge(pr, WALIDATA, "2025-02-03 11:00")
    repo.write(KEG, with_log(KOMPROMIN | {"sektor_kegiatan": "Pembangunan"}, *KOMPROMIN_LOG[:1]))
    repo.git("add", "-A")
    repo.git("commit", "-q", "--amend", "--no-edit")  # the merge commit now carries an unreviewed change
    pr.closed["merge"] = repo.git("rev-parse", "HEAD")
    code, data = verify(repo)
    assert code == 1 and [f["kode"] for f in data["temuan"]] == ["terbit-gabungan-diubah"]


def _drop_private(repo):
    path = repo.root / "schemas" / "kegiatan.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"x-pribadi": true', '"x-pribadi": false'), "utf-8")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (_drop_private, "schemas/kegiatan.schema.json"),  # would publish private contacts
        (lambda r: r.text("roles.yaml", (r.root / "roles.yaml").read_text("utf-8") + "\n"), "roles.yaml"),
        (lambda r: r.text("docs/catatan.md", "# Catatan\n"), "docs/catatan.md"),
        (lambda r: None, None),  # an empty commit is no PR either
    ],
)
def test_a_direct_push_is_refused_whatever_it_changes(flow, change, path):
    flow.forge.record(flow.pr)
    change(flow)
    sha = flow.commit("perbarui langsung", author=WALIDATA)
    code, data = verify(flow)
    (found,) = data["temuan"]
    assert (code, data["siap"], found["kode"], found["berkas"]) == (1, False, "terbit-commit-tak-sah", sha[:10])
    assert "tanpa PR" in found["pesan"] and "perbarui langsung" in found["pesan"]
    assert (f"mengubah berkas aturan {path}" if path else "commit kosong") in found["pesan"]


def test_the_bootstrap_of_a_new_repository_is_published(tmp_path):
    """docs/panduan/admin.md: `satudata init`, one push (the root commit); later pushes need TERBIT_AWAL."""
    from conftest import GitCatalog

    repo = GitCatalog(tmp_path / "baru")  # one root commit, as the admin guide's first push
    args = ["periksa-terbit", "--katalog", str(repo.root), "--format", "json"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert (result.exit_code, json.loads(result.output)["siap"]) == (0, True)
    repo.text("katalog.yaml", "# isi nama pemda\n")
    second = repo.commit("isi katalog.yaml sebelum ruleset dipasang", author=WALIDATA)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1 and "terbit-commit-tak-sah" in result.output
    result = CliRunner().invoke(main, [*args, "--sejak", second], catch_exceptions=False)  # TERBIT_AWAL
    assert (result.exit_code, json.loads(result.output)["commit_diperiksa"]) == (0, 0)


def test_a_recorded_close_is_checked_once_the_deleted_branch_head_is_fetched(repo, tmp_path):
    """terbitkan.yml checks out main only: a closed PR's head comes from refs/pull/N/head."""
    import subprocess

    shutil.copytree(BUNDLED, repo.root / "schemas")
    repo.write(KEG, with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    since = repo.commit("terbit terakhir")
    forge = Forge(repo, {OPD: "opd", WALIDATA: "walidata", BPS: "bps"})
    repo.branch("batal")
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"satuan": "orang"})
    repo.commit("usulan", author=OPD, date="2025-02-05T10:00:00+07:00")
    closed = forge.open("batal", OPD, "2025-02-05 10:05")
    forge.close(closed, OPD, "2025-02-05 12:00")
    assert "dibatalkan" in forge.record(closed).output  # the recorder had (or fetched) the head
    forge_dir = forge.forge_dir()
    repo.git("update-ref", "refs/pull/1/head", "batal")
    repo.git("branch", "-D", "batal")  # GitHub's "Delete branch"
    clone = tmp_path / "terbit"
    subprocess.run(["git", "clone", "-q", "--no-local", "--single-branch", "-b", "main", str(repo.root), str(clone)],
                   check=True)  # fmt: skip
    args = ["periksa-terbit", "--sejak", since, "--forge", str(forge_dir), "--katalog", str(clone)]
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    data = json.loads(result.output)
    assert result.exit_code == 1 and [f["kode"] for f in data["temuan"]] == ["terbit-commit-tak-sah"]
    assert "git fetch origin refs/pull/1/head" in data["temuan"][0]["pesan"]
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--no-tags", "origin", "refs/pull/1/head"], check=True)
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0 and "1 commit diperiksa: siap diterbitkan." in result.output, result.output
