"""The GitHub configuration: workflows pass actionlint and zizmor, actions are pinned, permissions minimal."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_there_are_three_workflows():
    assert [p.name for p in WORKFLOWS] == ["periksa-pr.yml", "terbitkan.yml", "uji.yml"]


def test_actionlint_is_clean():
    proc = subprocess.run([tool("actionlint"), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_is_clean_offline_even_pedantic(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_COLOR": "1"}  # no GitHub token: offline audits only
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(REPO / ".github" / "workflows")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout


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


def test_least_privilege_and_no_pull_request_target():
    for path in WORKFLOWS:
        flow = load(path)
        assert "pull_request_target" not in flow["on"], path.name
        assert flow["permissions"] == {}, path.name  # nothing by default; each job asks for what it needs
        for name, job in flow["jobs"].items():
            perms = job["permissions"]
            if name == "terbitkan":
                assert perms == {"pages": "write", "id-token": "write"}
                assert all("run" not in step for step in job["steps"])  # the privileged job runs no repository code
            else:
                assert perms == {"contents": "read"}, (path.name, name)
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] == "false"


def test_pr_check_installs_the_tool_from_the_base_branch():
    steps = load(REPO / ".github/workflows/periksa-pr.yml")["jobs"]["periksa"]["steps"]
    refs = {s["with"]["path"]: s["with"]["ref"] for s in steps if s.get("uses", "").startswith("actions/checkout@")}
    assert refs == {
        "alat": "${{ github.event.pull_request.base.sha }}",
        "katalog": "${{ github.event.pull_request.head.sha }}",
    }
    runs = [s["run"] for s in steps if "run" in s]
    assert any("pip install" in r and "./alat" in r for r in runs)
    assert any("satudata validate" in r for r in runs)
    check = next(r for r in runs if "check-pr" in r)
    assert '--aktor "$PEMBUAT_PR"' in check and "GITHUB_STEP_SUMMARY" in check and "${{" not in check


def test_issue_forms_and_pr_template_are_indonesian_yaml():
    forms = sorted((REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
    assert len(forms) >= 2
    for path in forms:
        form = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert form["name"] and form["description"] and form["body"]
    template = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert "satudata langkah" in template and "Langkah SOP" in template
