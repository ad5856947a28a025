"""Who must act: `satudata status --untuk AKUN` and the overdue-issue decisions of `satudata isu-terlambat`."""

from __future__ import annotations

import copy
import json
from datetime import datetime

from click.testing import CliRunner
from conftest import REPO
from forgetools import example, user, valid

from pipeline.cli import main
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.workflow.tugas import add_working_minutes

PADA = "2026-12-03T09:00:00+07:00"
BOT = "github-actions[bot]"


def status(*args):
    result = CliRunner().invoke(main, ["status", str(REPO), "--pada", PADA, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_deadlines_are_in_working_time():
    jam = Schemas(BUNDLED).sop.jam_kerja
    friday = datetime.fromisoformat("2025-01-10T15:50:00+07:00")
    assert add_working_minutes(jam, friday, 30).isoformat() == "2025-01-13T08:20:00+07:00"  # the docstring's example
    before_lebaran = datetime.fromisoformat("2025-03-28T15:00:00+07:00")  # 31 Mar–7 Apr 2025: Idul Fitri and leave
    due = add_working_minutes(jam, before_lebaran, 3 * 480)
    assert due.date().isoformat() >= "2025-04-08" and jam.working_minutes(before_lebaran, due) == 3 * 480


def test_status_for_an_account_lists_what_waits_for_it_with_its_deadline():
    out = json.loads(status("--untuk", "walidata-pasuruan", "--format", "json"))
    steps = {(i["kegiatan"], i["langkah"]) for i in out["menunggu"]}
    assert ("dinkes/2026-survei-phbs-rumah-tangga", 3) in steps
    item = next(i for i in out["menunggu"] if i["langkah"] == 3)
    assert item["tenggat"] == "2026-11-26T10:00:00+07:00" and "walidata-pasuruan" in item["akun"]
    assert all("walidata-pasuruan" in i["akun"] for i in out["menunggu"])
    opd = json.loads(status("--untuk", "DINKES-PASURUAN", "--format", "json"))["menunggu"]
    assert opd and {i["kegiatan"].split("/")[0] for i in opd} == {"dinkes"}  # an OPD account: its own OPD only
    text = status("--untuk", "walidata-pasuruan")
    assert "langkah 3 Periksa pengajuan — TERLAMBAT" in text
    assert "Tidak ada langkah SOP yang menunggu akun 'orang-lain'" in status("--untuk", "orang-lain")


def test_the_whole_status_carries_accounts_and_deadlines():
    rows = json.loads(status("--format", "json"))["kegiatan"]
    waits = [w for r in rows for w in r["menunggu"]]
    assert waits and all("akun" in w and "tenggat" in w for w in waits)


def issue(number, body, author=BOT, assignees=(), **extra):
    """An open issue as GET /repos/{repo}/issues lists it: GitHub's example issue with our values."""
    payload = copy.deepcopy(example("issues", "opened"))
    item = payload["issue"]
    label = dict(
        item["labels"][0], name="terlambat", color="b60205", default=False, description="Langkah SOP terlambat"
    )
    label["url"] = label["url"].rsplit("/", 1)[0] + "/terlambat"
    item.update(number=number, title="x", body=body, user=user(item["user"], author), labels=[label],
                assignees=[user(item["user"], a) for a in assignees], assignee=None)  # fmt: skip
    item["html_url"] = item["html_url"].rsplit("/", 1)[0] + f"/{number}"
    valid(payload, "issues$opened")
    item.update(extra)
    return item


def decide(tmp_path, issues):
    (tmp_path / "status.json").write_text(status("--format", "json"), encoding="utf-8")
    (tmp_path / "isu.json").write_text(json.dumps(issues), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["isu-terlambat", "--status", str(tmp_path / "status.json"), "--isu", str(tmp_path / "isu.json")]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_one_issue_per_overdue_step_is_created_assigned_to_who_must_act(tmp_path):
    actions = decide(tmp_path, [])
    assert actions and {a["aksi"] for a in actions} == {"buat"}
    rows = json.loads(status("--format", "json"))["kegiatan"]
    late = {(r["kegiatan"], w["langkah"]) for r in rows if r["terlambat"] for w in r["menunggu"]}
    assert len(actions) == len(late)
    phbs = next(a for a in actions if "2026-survei-phbs-rumah-tangga" in a["judul"] and "langkah 3" in a["judul"])
    assert (
        phbs["penerima"] == ["bps-kab-pasuruan", "walidata-pasuruan"] and phbs["label"] == "terlambat"
    )  # step 3: both
    assert "<!-- satudata:terlambat kegiatan=dinkes/2026-survei-phbs-rumah-tangga langkah=3 -->" in phbs["isi"]
    assert "Tenggat: 2026-11-26T10:00:00+07:00" in phbs["isi"]


def test_issues_are_updated_closed_and_never_duplicated(tmp_path):
    first = decide(tmp_path, [])
    current = [issue(10 + i, a["isi"], title=a["judul"], assignees=a["penerima"]) for i, a in enumerate(first)]
    assert decide(tmp_path, current) == []  # nothing to do when the issues are as they should be
    stale = dict(current[0], assignees=[])  # someone unassigned the accounts
    done = issue(99, "<!-- satudata:terlambat kegiatan=dinkes/2025-profil-kesehatan langkah=12 -->")
    twin = dict(current[1], number=200)
    forged = issue(300, "<!-- satudata:terlambat kegiatan=dlh/2026-pengelolaan-sampah langkah=1 -->", author="orang")
    pull = issue(301, done["body"], pull_request={"url": "x"})
    actions = decide(tmp_path, [stale, *current[1:], done, twin, forged, pull])
    by_number = {a.get("nomor"): a for a in actions}
    assert by_number[10]["aksi"] == "perbarui" and by_number[10]["penerima"] == first[0]["penerima"]
    assert by_number[99]["aksi"] == "tutup" and "ditutup otomatis" in by_number[99]["komentar"]
    assert by_number[200]["aksi"] == "tutup" and by_number[200]["komentar"] == "Duplikat #11; ditutup otomatis."
    assert 300 not in by_number and 301 not in by_number and len(actions) == 3


def test_issue_text_cannot_inject_markup(tmp_path):
    from pipeline.workflow.tugas import issue_actions

    row = {"kegiatan": "dinkes/2025-x", "berkas": "metadata/dinkes/2025-x/kegiatan.yaml",
           "judul": "<img src=x> @semua #1 https://x.example",
           "terlambat": True, "berjalan_menit": 999, "berjalan": "2 hari", "waktu_terakhir": "2025-01-01T08:00:00+07:00",
           "menunggu": [{"langkah": 3, "nama": "Periksa", "waktu_baku": "3 hari", "baku_menit": 1, "akun": ["w"],
                         "tenggat": None}]}  # fmt: skip
    (action,) = issue_actions({"kegiatan": [row]}, [])
    body = action["isi"]
    assert "<img" not in body and "&lt;img src=x&gt;" in body and "@\u200bsemua" in body
    assert "#\u200b1" in body and ":\u200b//x.example" in body  # no issue cross-reference, no link
