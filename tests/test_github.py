"""The GitHub configuration: workflows pass actionlint and zizmor, actions are pinned, permissions minimal."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def tool(name: str) -> str:
    """The tool installed with the test extra (next to this Python first); never skipped."""
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert path, f"{name} is not installed: pip install -e '.[test]'"
    return path


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # 'on' stays a string


def test_there_are_six_workflows():
    assert [p.name for p in WORKFLOWS] == [
        "catat-forge.yml", "komentar-pr.yml", "periksa-pr.yml", "tenggat-sop.yml", "terbitkan.yml", "uji.yml",
    ]  # fmt: skip


def test_actionlint_is_clean():
    proc = subprocess.run([tool("actionlint"), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("persona", ["pedantic", "auditor"])
def test_zizmor_is_clean_offline_even_pedantic(tmp_path, persona):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"}  # no GitHub token: offline audits only
    proc = subprocess.run(
        [tool("zizmor"), "--offline", f"--persona={persona}", "--no-progress", str(REPO / ".github" / "workflows")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


def test_the_one_zizmor_exception_is_the_comment_workflows_trigger():
    """workflow_run is zizmor's 'dangerous trigger'; the comment workflow uses it as GitHub advises (data only)."""
    ignores = [
        (path.name, line.strip())
        for path in WORKFLOWS
        for line in path.read_text(encoding="utf-8").splitlines()
        if "zizmor:" in line
    ]
    assert len(ignores) == 1 and ignores[0][0] == "komentar-pr.yml"
    assert ignores[0][1].startswith("on: # zizmor: ignore[dangerous-triggers] ")


def test_no_expression_is_pasted_into_a_shell_script():
    """Values from events reach scripts only through env: (template injection)."""
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), (path.name, step.get("name"))


def test_actions_are_pinned_by_sha_with_a_version_comment():
    for path in WORKFLOWS:
        uses = [
            line.split("uses:", 1)[1].strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if "uses:" in line
        ]
        assert uses, path
        for ref in uses:
            assert PINNED.match(ref), f"{path.name}: {ref}"


# Every job's token, and why (the comments in the workflows say it too). Nothing else is allowed.
PERMISSIONS = {
    ("catat-forge.yml", "catat"): {"contents": "read", "pull-requests": "read", "issues": "read"},
    ("komentar-pr.yml", "komentar"): {"contents": "read", "actions": "read", "pull-requests": "write"},
    ("periksa-pr.yml", "periksa"): {"contents": "read"},
    ("tenggat-sop.yml", "isu"): {"contents": "read", "issues": "write"},
    ("terbitkan.yml", "periksa"): {"contents": "read", "pull-requests": "read", "deployments": "read"},
    ("terbitkan.yml", "bangun"): {"contents": "read"},
    ("terbitkan.yml", "terbitkan"): {"pages": "write", "id-token": "write"},
    ("uji.yml", "uji"): {"contents": "read"},
}
PR_TRIGGERS = {"pull_request", "pull_request_target", "pull_request_review", "workflow_run"}


def test_least_privilege_and_no_pull_request_target():
    jobs = {}
    for path in WORKFLOWS:
        flow = load(path)
        assert "pull_request_target" not in flow["on"], path.name
        assert flow["permissions"] == {}, path.name  # nothing by default; each job asks for what it needs
        for name, job in flow["jobs"].items():
            jobs[(path.name, name)] = job["permissions"]
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] == "false"
    assert jobs == PERMISSIONS
    deploy = load(REPO / ".github/workflows/terbitkan.yml")["jobs"]["terbitkan"]
    assert all("run" not in step for step in deploy["steps"])  # the Pages-writing job runs no repository code


def test_the_job_that_can_write_never_checks_out_or_runs_pr_code():
    """The recorder's deploy key (environment pencatat) may push to main; its job only ever sees main."""
    text = (REPO / ".github/workflows/catat-forge.yml").read_text(encoding="utf-8")
    flow = load(REPO / ".github/workflows/catat-forge.yml")
    assert not PR_TRIGGERS & set(flow["on"]) and set(flow["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert flow["on"]["push"]["branches"] == ["main"]
    job = flow["jobs"]["catat"]
    assert job["environment"] == "pencatat"
    checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert [s["with"]["ref"] for s in checkouts] == ["main"]
    assert "github.event.pull_request" not in text and "head_ref" not in text and "head.sha }}" not in text
    runs = " ".join(s.get("run", "") for s in job["steps"])
    assert not re.search(r"git (checkout|switch|worktree|restore)", runs)  # PR heads are fetched as objects only
    for path in WORKFLOWS:  # the deploy key is read in that one step, nowhere else
        uses = path.read_text(encoding="utf-8").count("secrets.")
        assert uses == (1 if path.name == "catat-forge.yml" else 0), path.name
    (push,) = [s for s in job["steps"] if "KUNCI_PENCATAT" in s.get("env", {})]
    assert "git push" in push["run"] and "ssh-ed25519" in push["run"]  # GitHub's pinned host key, no TOFU


def test_pr_check_reads_the_pr_only_as_git_objects_with_the_base_tool():
    steps = load(REPO / ".github/workflows/periksa-pr.yml")["jobs"]["periksa"]["steps"]
    refs = {s["with"]["path"]: s["with"]["ref"] for s in steps if s.get("uses", "").startswith("actions/checkout@")}
    assert refs == {
        "alat": "${{ github.event.pull_request.base.sha }}",
        "katalog": "${{ github.event.pull_request.head.sha }}",
    }
    runs = [s["run"] for s in steps if "run" in s]
    assert any("pip install" in r and "./alat" in r for r in runs)
    assert not any("satudata validate" in r for r in runs)  # check-pr validates HEAD under BASE's rules
    assert not any("working-directory" in s for s in steps)  # nothing runs inside the PR's checkout
    check = next(s for s in steps if "check-pr" in s.get("run", ""))
    assert '--aktor "$PEMBUAT_PR"' in check["run"] and "--katalog katalog" in check["run"]
    assert "--format json" in check["run"] and "> laporan/periksa-pr.json" in check["run"]
    assert "laporan/pr.json" in check["run"] and check["env"]["NOMOR_PR"] == "${{ github.event.pull_request.number }}"
    # what the run shows: the comment's text as the summary, and the annotations of satudata anotasi
    shown = next(r for r in runs if "GITHUB_STEP_SUMMARY" in r)
    assert "satudata komentar-pr --periksa-pr laporan/periksa-pr.json" in shown and "satudata anotasi" in shown
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "laporan-pr" and upload["with"]["path"] == "laporan/"
    assert upload["if"] == "${{ !cancelled() }}"  # the report goes up even when the check found errors
    assert steps[-1]["env"]["KODE"] == "${{ steps.periksa.outputs.kode }}" and 'exit "$KODE"' in steps[-1]["run"]


def test_the_comment_job_reads_the_artifact_as_data_and_never_runs_pr_code():
    text = (REPO / ".github/workflows/komentar-pr.yml").read_text(encoding="utf-8")
    flow = load(REPO / ".github/workflows/komentar-pr.yml")
    assert set(flow["on"]) == {"workflow_run"}
    assert flow["on"]["workflow_run"] == {"workflows": ["Periksa PR"], "types": ["completed"]}
    assert flow["on"]["workflow_run"]["workflows"] == [load(REPO / ".github/workflows/periksa-pr.yml")["name"]]
    job = flow["jobs"]["komentar"]
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    steps = job["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert [s["with"]["ref"] for s in checkouts] == ["${{ github.event.repository.default_branch }}"]
    assert not [
        s for s in steps if "uses" in s and not s["uses"].startswith(("actions/checkout@", "actions/setup-python@"))
    ]
    assert "head_sha" not in text and "unzip" not in text and "pull_request.head" not in text  # no PR commit
    runs = [s["run"] for s in steps if "run" in s]
    assert any("pip install" in r and "./alat" in r for r in runs)  # the tool of the default branch
    fetch = next(s for s in steps if "artifacts/$id/zip" in s.get("run", ""))
    assert "size_in_bytes <= 8388608" in fetch["run"] and "head -c 8388609" in fetch["run"]
    assert fetch["env"]["RUN_ID"] == "${{ github.event.workflow_run.id }}"
    assert 'head="$PEMILIK_KEPALA:$CABANG_KEPALA"' in fetch["run"]  # the PR is looked up on GitHub
    assert '"repos/$REPO/pulls/$n/files" --jq ".[] | {nomor: $n, filename, previous_filename}"' in fetch["run"]
    # the artifact's PR number and head commit are checked against GitHub's PR of the run's head commit
    render = next(s for s in steps if "satudata komentar-pr" in s.get("run", ""))
    for option in ("--artefak laporan.zip", '--peristiwa "$GITHUB_EVENT_PATH"', "--pr-github pr-github.json",
                   "--komentar-lama komentar-lama.json", '--keluaran "$GITHUB_OUTPUT"'):  # fmt: skip
        assert option in render["run"]
    post = steps[-1]
    assert post["if"] == "steps.komentar.outputs.pr != ''" and post["env"]["PR"] == "${{ steps.komentar.outputs.pr }}"
    assert "jq -n --rawfile body komentar.md" in post["run"] and "--input isi.json" in post["run"]


def test_the_overdue_issues_job_runs_on_the_default_branch_only():
    flow = load(REPO / ".github/workflows/tenggat-sop.yml")
    assert set(flow["on"]) == {"schedule", "workflow_dispatch"}
    steps = flow["jobs"]["isu"]["steps"]
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert [s["with"]["ref"] for s in checkouts] == ["${{ github.event.repository.default_branch }}"]
    runs = "\n".join(s["run"] for s in steps if "run" in s)
    assert "satudata status . --format json" in runs and "satudata isu-terlambat --status" in runs
    # titles and bodies go to the API as JSON built by jq, never as shell words
    assert "--input -" in runs and "-f title" not in runs and "-f body" not in runs and "--body" not in runs


def test_publication_checks_history_before_it_builds():
    jobs = load(REPO / ".github/workflows/terbitkan.yml")["jobs"]
    runs = [s["run"] for s in jobs["periksa"]["steps"] if "run" in s]
    assert any("satudata periksa-terbit" in r and "--forge forge" in r and "GITHUB_OUTPUT" in r for r in runs)
    assert jobs["bangun"]["needs"] == "periksa" and "siap == 'true'" in jobs["bangun"]["if"]
    assert jobs["terbitkan"]["needs"] == "bangun"


# --- branch protection as code ------------------------------------------------------------------

RULESET_SCHEMA = REPO / "tests/data/github/ruleset/github-rest-rulesets.extract.json"


def _nullable(node):
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema: the type or null."""
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.pop("nullable", False) and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


def test_ruleset_is_valid_for_githubs_rulesets_api():
    import json

    import jsonschema

    doc = _nullable(json.loads(RULESET_SCHEMA.read_text(encoding="utf-8")))
    body = "#/paths/~1repos~1{owner}~1{repo}~1rulesets/post/requestBody/content/application~1json/schema"
    validator = jsonschema.Draft4Validator({**doc, "$ref": body})
    ruleset = json.loads((REPO / ".github/ruleset-main.json").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(ruleset)) == []
    assert list(validator.iter_errors(ruleset | {"enforcement": "kadang"}))  # the validator does reject


def test_ruleset_requires_prs_reviews_and_exactly_the_pr_checks():
    import json

    ruleset = json.loads((REPO / ".github/ruleset-main.json").read_text(encoding="utf-8"))
    assert ruleset["enforcement"] == "active" and ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]
    rules = {r["type"]: r.get("parameters", {}) for r in ruleset["rules"]}
    assert {"deletion", "non_fast_forward", "pull_request", "required_status_checks"} <= set(rules)
    pr = rules["pull_request"]
    assert pr["require_code_owner_review"] and pr["require_last_push_approval"]
    assert pr["required_approving_review_count"] >= 1
    assert pr["allowed_merge_methods"] == ["merge"]  # periksa-terbit recognises PRs by their merge commits
    checks = {c["context"] for c in rules["required_status_checks"]["required_status_checks"]}
    on_prs = {
        job.get("name", name)
        for path in WORKFLOWS
        if "pull_request" in load(path)["on"]
        for name, job in load(path)["jobs"].items()
    }
    assert checks == on_prs == {"Validasi metadata dan alur SOP", "Lint dan pytest"}
    assert all(c.get("integration_id") == 15368 for c in rules["required_status_checks"]["required_status_checks"])
    assert ruleset["bypass_actors"] == [{"actor_id": None, "actor_type": "DeployKey", "bypass_mode": "always"}]


def test_issue_forms_and_pr_template_are_indonesian_yaml():
    forms = sorted((REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
    assert len(forms) >= 2
    for path in forms:
        form = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert form["name"] and form["description"] and form["body"]
    template = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert "satudata langkah" in template and "Langkah SOP" in template


GH = """#!/usr/bin/env python3
# GitHub's REST API as recorded answers in $GH_DATA: `gh api PATH [--paginate] [--jq EXPR]`.
import os, pathlib, re, subprocess, sys
args, jq, path = sys.argv[2:], None, None
while args:
    arg = args.pop(0)
    if arg == "--jq":
        jq = args.pop(0)
    elif arg != "--paginate":
        path = arg
f = pathlib.Path(os.environ["GH_DATA"]) / (re.sub(r"[^A-Za-z0-9]+", "_", path) + ".json")
if not f.is_file():
    sys.exit("gh: Not Found (HTTP 404)")
sys.exit(subprocess.run(["jq", "-r", jq or ".", str(f)]).returncode)
"""


def test_the_recorder_step_records_every_pr_even_when_one_fails(repo, tmp_path):
    """The step's own script, run by bash as GitHub runs it, on a clone of main that (like actions/checkout)
    lacks deleted PR branches: the PR with broken data fails alone, the closed PR's head is fetched from
    refs/pull/N/head, the merged one is recorded, and the failure is reported to the last step."""
    import json
    import os
    import shutil as sh

    from conftest import ACTIVITY, KOMPROMIN, KOMPROMIN_LOG, VARIABEL, with_log
    from forgetools import Forge

    from pipeline.contract.schema import BUNDLED

    opd, walidata, bps = "dinkes-pasuruan", "walidata-pasuruan", "bps-kab-pasuruan"
    other = "metadata/dinkes/2025-profil-kedua"
    sh.copytree(BUNDLED, repo.root / "schemas")
    for folder in (ACTIVITY, other):
        repo.write(f"{folder}/kegiatan.yaml", with_log(KOMPROMIN, *KOMPROMIN_LOG[:1]))
    repo.commit("awal")
    forge = Forge(repo, {opd: "opd", walidata: "walidata", bps: "bps"})
    forge.open("main", opd, "2025-02-03 09:00")  # #1: its data from GitHub will be broken
    repo.branch("usulan")
    repo.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"satuan": "orang"})
    repo.commit("ubah satuan", author=opd, date="2025-02-03T10:00:00+07:00")
    merged = forge.open("usulan", opd, "2025-02-03 10:05")
    forge.review(merged, walidata, "approved", "2025-02-03 11:00")
    forge.review(merged, bps, "approved", "2025-02-04 09:00")
    forge.merge(merged, walidata, "2025-02-04 09:10")
    repo.branch("batal")
    repo.write(f"{other}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)
    repo.commit("usulan batal", author=opd, date="2025-02-04T10:00:00+07:00")
    closed = forge.open("batal", opd, "2025-02-04 10:05")
    forge.close(closed, opd, "2025-02-04 12:00")
    repo.git("update-ref", "refs/pull/3/head", "batal")
    repo.git("checkout", "-q", "main")

    data = tmp_path / "api"
    data.mkdir()

    def answer(path: str, value) -> None:
        (data / (re.sub(r"[^A-Za-z0-9]+", "_", path) + ".json")).write_text(json.dumps(value), encoding="utf-8")

    base = "repos/pemda/katalog"
    answer(f"{base}/pulls?state=closed&sort=updated&direction=desc&per_page=30", [{"number": n} for n in (3, 2, 1)])
    (data / f"{re.sub(r'[^A-Za-z0-9]+', '_', base + '/pulls/1')}.json").write_text('{"number": 1e400}', "utf-8")
    answer(f"{base}/pulls/1/reviews", [])
    answer(f"{base}/issues/1", {"closed_by": None})
    for pr in (merged, closed):
        answer(f"{base}/pulls/{pr.number}", forge.pull_request(pr, "closed")["pull_request"])
        answer(f"{base}/pulls/{pr.number}/reviews", [p["review"] for p in pr.reviews])
        answer(f"{base}/issues/{pr.number}", {"closed_by": {"login": pr.closed["by"]}})
    repo.git("branch", "-D", "batal", "usulan")  # GitHub's "Delete branch"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)

    clone = tmp_path / "main"
    subprocess.run(["git", "clone", "-q", "--no-local", "--single-branch", "-b", "main", str(repo.root), str(clone)],
                   check=True)  # fmt: skip
    step = next(s for s in load(REPO / ".github/workflows/catat-forge.yml")["jobs"]["catat"]["steps"]
                if s.get("id") == "catat")  # fmt: skip
    (tmp_path / "langkah.sh").write_text(step["run"], encoding="utf-8")
    output, summary = tmp_path / "output", tmp_path / "summary"
    env = {
        "PATH": f"{bin_dir}:{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GH_DATA": str(data),
        "GH_TOKEN": "tidak-dipakai",
        "REPO": "pemda/katalog",
        "PERISTIWA": "schedule",
        "COMMIT": repo.git("rev-parse", "main"),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    proc = subprocess.run(["bash", "-e", str(tmp_path / "langkah.sh")], cwd=clone, env=os.environ | env,
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert output.read_text(encoding="utf-8") == "gagal= #1\n"
    assert "[forge-data-tidak-sah]" in proc.stdout
    log = subprocess.run(["git", "-C", str(clone), "log", "--format=%s", "-3"], capture_output=True, text=True)
    assert log.stdout.splitlines()[:2] == [
        "SOP: peristiwa dari GitHub untuk PR #3",
        "SOP: peristiwa dari GitHub untuk PR #2",
    ]
    ended = yaml.safe_load((clone / other / "kegiatan.yaml").read_text(encoding="utf-8"))["alur"]["riwayat"]
    assert ended[-1].get("akhir") == "dibatalkan"
    assert (
        subprocess.run(["git", "-C", str(clone), "status", "--porcelain"], capture_output=True, text=True).stdout == ""
    )
