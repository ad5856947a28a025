"""The PR comment and the annotations, from real `satudata validate`/`check-pr`/`diff` output on a real git repo."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.cli import main
from pipeline.workflow.komentar import MARKER, MAX_COMMENT, comment

ACT = "metadata/dinkes/2025-profil-kesehatan"
HOSTILE = 'Jumlah <img src=x onerror="alert(1)"> @org/tim [tautan](https://x.example) `kode`\n::error::palsu %0A'


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A PR on a copy of the sample catalog: an edited activity, a new bad variable; the three reports."""
    root = tmp_path_factory.mktemp("pr")
    for name in ("metadata", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "roles.yaml", root / "roles.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=w", "-c", "user.email=w@x", "commit", "-qm", "awal")
    keg = root / ACT / "kegiatan.yaml"
    keg.write_text(
        keg.read_text(encoding="utf-8").replace(
            "  email: dinkes@pasuruankab.go.id\n", "  telepon: (0343) 744000\n  email: dinkes@pasuruankab.go.id\n", 1
        )
        + "kode_kegiatan: '3514-001'\n",
        encoding="utf-8",
    )  # fmt: skip  (R17: BPS fills it, check-pr refuses)
    var = (root / ACT / "variabel/jumlah-kematian-bayi.yaml").read_text(encoding="utf-8")
    bad = var.replace("tipe_data: Integer", "tipe_data: Angka")
    bad = bad.replace(bad.splitlines()[0], f"nama: {json.dumps(HOSTILE)}")
    (root / ACT / "variabel/jumlah-bayi-lahir-mati.yaml").write_text(bad, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "-c", "user.name=o", "-c", "user.email=o@x", "commit", "-qm", "usulan")
    out = {}
    runner = CliRunner()
    for name, args in {
        "validasi": ["validate", str(root), "--format", "json", "--tanpa-cache"],
        "periksa-pr": ["check-pr", "main~1", "main", "--aktor", "dinkes-pasuruan", "--katalog", str(root), "--format", "json"],
        "diff": ["diff", "main~1", "main", "--katalog", str(root), "--format", "json"],
    }.items():  # fmt: skip
        result = runner.invoke(main, args)
        assert result.output.startswith("{"), result.output
        (root / f"{name}.json").write_text(result.output, encoding="utf-8")
        out[name] = root / f"{name}.json"
    out["root"] = root
    return out


def args(reports, *names):
    return [a for n in names for a in (f"--{n}", str(reports[n]))]


def test_one_comment_with_the_check_result_and_the_labelled_diff(reports):
    result = CliRunner().invoke(main, ["komentar-pr", *args(reports, "validasi", "periksa-pr", "diff")])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(MARKER + "\n## Hasil pemeriksaan otomatis")
    assert "- ❌ satudata validate: 1 galat, " in text and "pada berkas yang diubah" in text
    # check-pr validates the head under the base's rules (the bad variable); the OPD's edit of its approved
    # activity opens a new review cycle on GitHub (step 7), so it is no longer refused
    assert "- ❌ satudata check-pr: 2 galat, " in text and "[pr-perlu-siklus-baru]" not in text
    assert f"`{ACT}/kegiatan.yaml:" in text and "[pr-isian-diisi-oleh]" in text
    assert text.count("[skema-enum]") == 1  # the same finding from validate and check-pr is listed once
    assert (
        f"`{ACT}/variabel/jumlah-bayi-lahir-mati.yaml:" in text and "**MS-Var Kolom 8 Tipe Data** [skema-enum]" in text
    )
    assert "| 1.2 | Telepon |  | (0343) 744000 |" in text  # old → new, with the form's number and label
    assert "· baru · `metadata/dinkes/2025-profil-kesehatan/variabel/jumlah-bayi-lahir-mati.yaml`" in text
    # the record's hostile name is inert text
    assert "<img" not in text and "&lt;img" in text and "@\u200borg/tim" in text and "\\[tautan\\]" in text
    assert "\n::error" not in text


def test_annotations_on_the_changed_lines_only(reports):
    result = CliRunner().invoke(main, ["anotasi", *args(reports, "validasi", "periksa-pr", "diff")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    path = f"{ACT}/variabel/jumlah-bayi-lahir-mati.yaml"
    text = (reports["root"] / path).read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, 1) if t.startswith("tipe_data:"))
    assert any(
        ln.startswith(f"::error file={path},line={line},title=[skema-enum] MS-Var Kolom 8 Tipe Data::Nilai 'Angka'")
        for ln in lines
    )
    keg = (reports["root"] / ACT / "kegiatan.yaml").read_text(encoding="utf-8").splitlines()
    code_line = next(i for i, t in enumerate(keg, 1) if t.startswith("kode_kegiatan:"))
    assert f"::error file={ACT}/kegiatan.yaml,line={code_line},title=[pr-isian-diisi-oleh]" in "\n".join(lines)
    assert all(ln.startswith(("::error file=metadata/", "::warning file=metadata/")) for ln in lines)
    validated = json.loads(reports["validasi"].read_text(encoding="utf-8"))["temuan"]
    elsewhere = {f["berkas"] for f in validated} - {path, f"{ACT}/kegiatan.yaml"}
    assert elsewhere and not any(f"file={p}," in ln for p in elsewhere for ln in lines)  # unchanged files: none


def test_hostile_reports_are_rendered_inert(tmp_path):
    finding = {"kode": "skema-enum", "tingkat": "galat", "berkas": "../../etc/passwd", "baris": 3,
               "pesan": "a\nb\r::error::x%", "saran": "<script>alert(1)</script>", "label": "L,a:b"}  # fmt: skip
    good = dict(finding, berkas="metadata/dinkes/2025-x/kegiatan.yaml", baris=True)
    validate = {"temuan": [finding, good, "bukan objek", {"kode": 5}]}
    diff = {"rekaman": [{"berkas": "metadata/dinkes/2025-x/kegiatan.yaml", "status": "<b>", "formulir": ["x"],
                         "perubahan": [{"label": "x" * 5000, "sebelum": {"a": 1}, "sesudah": None}, 7]}] * 500}  # fmt: skip
    text = comment(validate, {"temuan": [finding]}, diff)
    assert len(text) <= MAX_COMMENT and "<script" not in text and "&lt;script&gt;" in text
    assert "(berkas?) **L,a:b** [skema-enum]" in text  # a path out of the repository is never shown as one
    assert "terlalu panjang untuk komentar" in text
    assert "satudata validate: tidak ada laporan" in comment(None, None, None)
    from pipeline.workflow.komentar import annotations

    (line,) = annotations(validate, None, {"metadata/dinkes/2025-x/kegiatan.yaml"})
    assert line.startswith(
        "::error file=metadata/dinkes/2025-x/kegiatan.yaml,title=[skema-enum] L%2Ca%3Ab::a%0Ab%0D::error::x%25"
    )
    (tmp_path / "besar.json").write_text("[" * 10, encoding="utf-8")
    result = CliRunner().invoke(main, ["komentar-pr", "--validasi", str(tmp_path / "besar.json")])
    assert result.exit_code == 1 and "[artefak-tidak-sah]" in result.output and "bukan JSON" in result.output


# --- the privileged workflow: the comment from the artifact of the read-only run ------------------

import copy  # noqa: E402
import zipfile  # noqa: E402

from forgetools import example, user, valid  # noqa: E402

from pipeline.workflow.komentar import MAX_REPORT, read_artifact  # noqa: E402


def zipped(path, files: dict):
    """An artifact as actions/upload-artifact writes it: one zip, the files at its root."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data if isinstance(data, (str, bytes)) else json.dumps(data))
    return path


class Run:
    """One completed Periksa PR run of PR ``number`` at the fixture repository's head, as GitHub shows it."""

    def __init__(self, reports, tmp_path, number=7, fork=False):
        self.dir, self.number = tmp_path, number
        self.head = git(reports["root"], "rev-parse", "HEAD").strip()
        base = git(reports["root"], "rev-parse", "HEAD~1").strip()
        # the run: a fork's PR is not listed in workflow_run.pull_requests
        event = copy.deepcopy(example("workflow_run", "completed" if fork else "completed.with-pull-requests"))
        run = event["workflow_run"]
        run.update(event="pull_request", head_sha=self.head, head_branch="usulan/dinkes-2025", name="Periksa PR",
                   path=".github/workflows/periksa-pr.yml", conclusion="failure")  # fmt: skip
        for pr in run["pull_requests"]:
            pr["number"], pr["head"]["sha"], pr["base"]["sha"] = number, self.head, base
        self.repo = event["repository"]["full_name"]
        self.event = valid(event, "workflow_run$completed")
        opened = example("pull_request", "opened")["pull_request"]
        pull = copy.deepcopy(opened)  # GET /repos/{repo}/pulls?head=… returns the same objects
        pull["number"], pull["head"]["sha"], pull["base"]["sha"] = number, self.head, base
        pull["base"]["repo"]["full_name"] = self.repo
        other = copy.deepcopy(opened)  # another PR of the same branch, at an older commit
        other["number"], other["head"]["sha"] = number + 1, base
        self.pulls = [pull, other]
        template = example("issue_comment", "created")["comment"]
        self.comments = []
        for cid, login, body, issue in [
            (11, "github-actions[bot]", MARKER + "\nlama", number),
            (12, "orang-lain", MARKER + "\npalsu", number),  # anyone may write the marker
            (13, "github-actions[bot]", MARKER + "\nPR lain", number + 1),
            (14, "github-actions[bot]", MARKER + "\nkedua", number),
        ]:
            c = copy.deepcopy(template)
            c.update(id=cid, body=body, issue_url=f"https://api.github.com/repos/{self.repo}/issues/{issue}",
                     user=user(template["user"], login))  # fmt: skip
            self.comments.append(c)
        self.files = [{"nomor": number, "filename": f"{ACT}/kegiatan.yaml", "status": "modified"}]
        self.meta = {"nomor": number, "kepala": self.head, "dasar": base}

    def comment(self, artifact, **changes):
        names = {}
        for name in ("event", "pulls", "comments", "files"):
            names[name] = self.dir / f"{name}.json"
            names[name].write_text(json.dumps(changes.get(name, getattr(self, name))), encoding="utf-8")
        out, outputs = self.dir / "komentar.md", self.dir / "github_output"
        out.unlink(missing_ok=True)
        outputs.write_text("", encoding="utf-8")
        result = CliRunner().invoke(main, [
            "komentar-pr", "--artefak", str(artifact), "--peristiwa", str(names["event"]),
            "--pr-github", str(names["pulls"]), "--komentar-lama", str(names["comments"]),
            "--berkas-pr", str(names["files"]), "--keluar", str(out), "--keluaran", str(outputs),
        ])  # fmt: skip
        text = out.read_text(encoding="utf-8") if out.exists() else None
        values = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
        return result, text, values


def artifact_of(reports, tmp_path, meta, **extra):
    files = {"pr.json": meta, "periksa-pr.json": reports["periksa-pr"].read_bytes(), **extra}
    return zipped(tmp_path / "laporan.zip", files)


@pytest.mark.parametrize("fork", [False, True])
def test_the_comment_is_written_from_the_artifact_for_the_runs_own_pr(reports, tmp_path, fork):
    run = Run(reports, tmp_path, fork=fork)
    result, text, outputs = run.comment(artifact_of(reports, tmp_path, run.meta))
    assert result.exit_code == 0, result.output
    assert outputs == {"pr": "7", "komentar": "11"}  # the bot's own earliest comment on this PR is updated
    assert text.startswith(MARKER + "\n## Hasil pemeriksaan otomatis")
    assert "- ❌ satudata check-pr: 2 galat, " in text and "satudata validate" not in text  # check-pr validated
    assert "| 1.2 | Telepon |  | (0343) 744000 |" in text  # check-pr's change model, labelled by the base
    assert "**MS-Var Kolom 8 Tipe Data** [skema-enum]" in text and "<img" not in text and "Perhatian" not in text
    first = run.comment(artifact_of(reports, tmp_path, run.meta), comments=[])[2]
    assert first == {"pr": "7", "komentar": ""}  # no earlier comment: a new one


def test_a_pr_that_changes_github_gets_a_warning_in_its_comment(reports, tmp_path):
    run = Run(reports, tmp_path)
    files = [*run.files, {"nomor": 7, "filename": ".github/workflows/periksa-pr.yml", "status": "modified"}]
    text = run.comment(artifact_of(reports, tmp_path, run.meta), files=files)[1]
    assert "**Perhatian: PR ini mengubah `.github/`**" in text
    other = [{"nomor": 8, "filename": ".github/workflows/periksa-pr.yml"}]
    assert "Perhatian" not in run.comment(artifact_of(reports, tmp_path, run.meta), files=other)[1]


def test_a_stale_run_writes_no_comment(reports, tmp_path):
    run = Run(reports, tmp_path)
    newer = copy.deepcopy(run.pulls)
    newer[0]["head"]["sha"] = "f" * 40  # the PR got a new commit since this run started
    result, text, outputs = run.comment(artifact_of(reports, tmp_path, run.meta), pulls=newer)
    assert result.exit_code == 0 and text is None and outputs == {"pr": "", "komentar": ""}
    assert "komentar tidak ditulis" in result.output
    elsewhere = copy.deepcopy(run.pulls)
    elsewhere[0]["base"]["repo"]["full_name"] = "orang/lain"  # a PR into another repository
    assert run.comment(artifact_of(reports, tmp_path, run.meta), pulls=elsewhere)[2]["pr"] == ""


@pytest.mark.parametrize(
    "meta",
    [
        {"nomor": 8, "kepala": None, "dasar": None},  # another PR (filled in below with the run's head)
        {"nomor": 7, "kepala": "0" * 40},  # another commit
        {"nomor": "7"},
        None,  # no pr.json at all
    ],
)
def test_an_artifact_for_another_pr_or_commit_is_refused(reports, tmp_path, meta):
    run = Run(reports, tmp_path)
    if meta is not None and meta.get("kepala") is None:
        meta = dict(meta, kepala=run.head)
    files = {"periksa-pr.json": reports["periksa-pr"].read_bytes()} | ({"pr.json": meta} if meta else {})
    result, text, outputs = run.comment(zipped(tmp_path / "laporan.zip", files))
    assert result.exit_code == 1, result.output
    assert "[artefak-pr-tidak-cocok]" in result.output and "GALAT" in result.output
    assert outputs == {"pr": "7", "komentar": "11"}  # the run's own PR is told, from GitHub's data
    assert "Laporan pemeriksaan run ini ditolak" in text and "skema-enum" not in text


BOMB = b'{"temuan": [' + b" " * (MAX_REPORT + 10) + b"]}"  # deflates to a few KiB


def _bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("periksa-pr.json", BOMB)
    return path


def _lying(path):
    """A member whose headers claim 100 bytes but whose data inflates past the limit: read no further."""
    _bomb(path)
    raw = bytearray(path.read_bytes())
    real = len(BOMB).to_bytes(4, "little")
    for at in (raw.find(b"PK\x03\x04") + 22, raw.find(b"PK\x01\x02") + 24):
        assert raw[at : at + 4] == real
        raw[at : at + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: zipped(p, {"../../etc/cron.d/x": "{}"}), "bukan bagian dari artefak"),
        (lambda p: zipped(p, {"/etc/passwd": "{}"}), "bukan bagian dari artefak"),
        (lambda p: zipped(p, {"laporan/periksa-pr.json": "{}"}), "bukan bagian dari artefak"),
        (lambda p: zipped(p, {"periksa-pr.json": "{", "pr.json": "{}"}), "bukan JSON"),
        (lambda p: zipped(p, {"periksa-pr.json": "[1]"}), "bukan objek JSON"),
        (lambda p: zipped(p, {f"{i}.json": "{}" for i in range(20)}), "bukan artefak laporan"),
        (_bomb, "lebih dari 4 MiB"),
        (_lying, "rusak (Bad CRC-32"),
        (lambda p: p.write_bytes(b"PK\x03\x04 bukan zip") and p, "bukan arsip zip"),
        (lambda p: p.write_bytes(b"\0" * (9 * 1024 * 1024)) and p, "lebih dari 8 MiB"),
    ],
)
def test_a_hostile_artifact_is_refused_and_nothing_is_extracted(reports, tmp_path, make, why):
    run = Run(reports, tmp_path)
    box = tmp_path / "kotak"
    box.mkdir()
    artifact = make(box / "laporan.zip")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result, text, outputs = run.comment(artifact)
    assert result.exit_code == 1 and "[artefak-tidak-sah]" in result.output, result.output
    assert why in result.output and why in text
    assert outputs["pr"] == "7" and "Laporan pemeriksaan run ini ditolak" in text
    after = sorted(p.name for p in tmp_path.rglob("*"))
    inputs = {"event.json", "pulls.json", "comments.json", "files.json", "github_output", "komentar.md"}
    assert set(after) - set(before) <= inputs  # nothing of the zip was written anywhere


def test_a_duplicate_member_is_refused(tmp_path):
    path = tmp_path / "dua.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("periksa-pr.json", "{}")
        with pytest.warns(UserWarning):
            z.writestr("periksa-pr.json", '{"temuan": []}')
    from pipeline.workflow.komentar import ReportError

    with pytest.raises(ReportError, match="ada dua kali"):
        read_artifact(path)


def test_a_run_without_an_artifact_says_so(reports, tmp_path):
    run = Run(reports, tmp_path)
    result, text, outputs = run.comment(tmp_path / "tidak-ada.zip")
    assert result.exit_code == 0 and outputs == {"pr": "7", "komentar": "11"}
    assert "satudata check-pr: tidak ada laporan" in text


# --- annotations: GitHub workflow commands that PR text cannot extend --------------------------

COMMAND = re.compile(r"::(error|warning) ([^:]*)::(.*)")


def unescape(text: str) -> str:
    """The runner's own unescaping of a workflow command (actions/runner ActionCommand)."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_annotations_are_one_command_per_finding_whatever_the_text():
    from pipeline.workflow.komentar import annotations

    nasty = "a%0A\r\n::error file=x::b\n::stop-commands::t\r::add-mask::z %25, :: ,"
    finding = {"kode": "skema-enum", "tingkat": "galat", "berkas": "metadata/dinkes/2025-x/kegiatan.yaml",
               "baris": 4, "pesan": nasty, "saran": nasty, "label": nasty, "formulir": "MS-Keg", "nomor": "1.2"}  # fmt: skip
    lines = annotations({"temuan": [finding]}, None, {finding["berkas"]})
    assert len(lines) == 1 and "\n" not in lines[0] and "\r" not in lines[0]
    kind, props, data = COMMAND.fullmatch(lines[0]).groups()
    assert kind == "error"
    pairs = dict(p.split("=", 1) for p in props.split(","))
    assert set(pairs) == {"file", "line", "title"}
    assert pairs["file"] == finding["berkas"] and pairs["line"] == "4"
    assert unescape(pairs["title"]) == f"[skema-enum] MS-Keg 1.2 {nasty}"
    assert unescape(data) == f"{nasty} Perbaikan: {nasty}"
