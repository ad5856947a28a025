"""GitHub as the tests drive it: pull requests opened, reviewed, merged or closed in a real git
repository. Every payload starts from GitHub's published example (tests/data/github/webhooks, kept
unmodified) and changes only what the scenario needs; each one is validated against GitHub's
payload schema (@octokit/webhooks-schemas) before a command reads it."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from pipeline.cli import main

DATA = Path(__file__).resolve().parent / "data" / "github" / "webhooks"
EXAMPLES = DATA / "payload-examples" / "api.github.com"
WIB = timezone(timedelta(hours=7))


@cache
def _schema() -> dict:
    return json.loads((DATA / "npm" / "octokit-webhooks-schemas-7.6.1.schema.json").read_text(encoding="utf-8"))


def example(event: str, action: str) -> dict:
    return json.loads((EXAMPLES / event / f"{action}.payload.json").read_text(encoding="utf-8"))


def valid(payload: dict, definition: str) -> dict:
    """``payload`` if it is a valid GitHub webhook payload of that kind (else the test fails)."""
    validator = jsonschema.Draft7Validator({**_schema(), "$ref": f"#/definitions/{definition}"})
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(payload)]
    assert not errors, errors[:5]
    return payload


def user(template: dict, login: str) -> dict:
    out = copy.deepcopy(template)
    out["login"] = login
    out["id"] = sum(map(ord, login)) * 1000
    out["html_url"] = f"https://github.com/{login}"
    return out


def utc(text: str) -> str:
    """'2025-01-06 13:10' (WIB) → '2025-01-06T06:10:00Z', GitHub's form."""
    day, clock = text.split()
    hours, minutes = map(int, clock.split(":"))
    moment = datetime.fromisoformat(f"{day}T{hours:02d}:{minutes:02d}:00").replace(tzinfo=WIB)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PullRequest:
    number: int
    branch: str
    author: str
    opened: str  # GitHub time
    reviews: list[dict] = field(default_factory=list)
    closed: dict | None = None


class Forge:
    """A pull request's life in ``repo`` (a conftest GitCatalog) with GitHub's payloads, and a tally
    of what each role had to do (pull requests opened, reviews, merges, satudata commands)."""

    def __init__(self, repo, roles: dict[str, str]):
        self.repo = repo
        self.roles = roles  # login → role, for the tally
        self.prs: dict[int, PullRequest] = {}
        self.tally: dict[str, dict[str, int]] = {
            r: {"pr": 0, "perintah": 0, "tinjauan": 0, "gabung": 0} for r in roles.values()
        }
        self.dir = repo.root.parent / "forge"
        self.dir.mkdir(exist_ok=True)

    def count(self, login: str, what: str) -> None:
        if login in self.roles:  # accounts without a role are not tallied
            self.tally[self.roles[login]][what] += 1

    def satudata(self, login: str, *args) -> str:
        """A command a person runs (counted), e.g. satudata langkah."""
        result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        self.count(login, "perintah")
        return result.output

    def head(self, ref: str = "HEAD") -> str:
        return self.repo.git("rev-parse", ref)

    def open(self, branch: str, author: str, at: str) -> PullRequest:
        number = len(self.prs) + 1
        pr = self.prs[number] = PullRequest(number, branch, author, utc(at))
        self.count(author, "pr")
        return pr

    def pull_request(self, pr: PullRequest, action: str = "opened") -> dict:
        """The ``pull_request`` webhook payload of ``pr`` now, from GitHub's example."""
        payload = example("pull_request", "closed" if action == "closed" else "opened")
        body = payload["pull_request"]
        template = body["user"]
        payload["number"] = body["number"] = pr.number
        body["title"] = f"Usulan {pr.branch}"
        body["user"] = user(template, pr.author)
        body["created_at"] = body["updated_at"] = pr.opened
        body["head"]["sha"], body["head"]["ref"] = self.head(pr.branch), pr.branch
        body["base"]["sha"] = self.head("main")
        body["html_url"] = f"https://github.com/pemda/katalog/pull/{pr.number}"
        if action == "closed":
            closed = pr.closed
            body["head"]["sha"] = closed["head"]
            body["base"]["sha"] = closed["base"]
            body["state"], body["closed_at"] = "closed", closed["at"]
            body["merged"] = closed["merged"]
            body["merged_at"] = closed["at"] if closed["merged"] else None
            body["merged_by"] = user(template, closed["by"]) if closed["merged"] else None
            body["merge_commit_sha"] = closed["merge"]
            payload["sender"] = user(template, closed["by"])
            return valid(payload, "pull_request$closed")
        return valid(payload, "pull_request$opened")

    def review(
        self, pr: PullRequest, login: str, state: str, at: str, body: str = "", commit: str | None = None
    ) -> dict:
        """A ``pull_request_review`` (submitted) payload: Approve or Request changes on the PR's head."""
        payload = example("pull_request_review", "submitted")
        review = payload["review"]
        review["id"] = 1000 + len([r for p in self.prs.values() for r in p.reviews])
        review["user"] = user(review["user"], login)
        review["state"] = state
        review["body"] = body or None
        review["submitted_at"] = utc(at)
        review["commit_id"] = commit or self.head(pr.branch)
        payload["pull_request"]["number"] = pr.number
        valid(payload, "pull_request_review$submitted")
        pr.reviews.append(payload)
        self.count(login, "tinjauan")
        return payload

    def merge(self, pr: PullRequest, by: str, at: str) -> str:
        """GitHub's "Create a merge commit" (the only merge method the ruleset allows)."""
        head, base = self.head(pr.branch), self.head("main")
        self.repo.git("checkout", "-q", "main")
        when = at.replace(" ", "T") + ":00+07:00"
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_COMMITTER_EMAIL": "noreply@github.com"}
        self.repo.git(
            "merge",
            "-q",
            "--no-ff",
            "-m",
            f"Merge pull request #{pr.number} from pemda/{pr.branch}",
            pr.branch,
            env=env,
        )
        pr.closed = {"at": utc(at), "by": by, "merged": True, "merge": self.head("main"), "head": head, "base": base}
        self.count(by, "gabung")
        return self.head("main")

    def close(self, pr: PullRequest, by: str, at: str) -> None:
        pr.closed = {
            "at": utc(at),
            "by": by,
            "merged": False,
            "merge": None,
            "head": self.head(pr.branch),
            "base": self.head("main"),
        }

    def files(self, pr: PullRequest) -> tuple[Path, Path]:
        """The closed payload and the reviews as the recording workflow gives them to satudata."""
        event = self.dir / f"pr-{pr.number}.json"
        event.write_text(json.dumps(self.pull_request(pr, "closed")), encoding="utf-8")
        reviews = self.dir / f"pr-{pr.number}-tinjauan.json"
        reviews.write_text(json.dumps(pr.reviews), encoding="utf-8")
        return event, reviews

    def record(self, pr: PullRequest, *extra: str):
        """The recording workflow: `satudata catat-forge` on a clean checkout of main, one commit."""
        event, reviews = self.files(pr)
        self.repo.git("checkout", "-q", "main")
        args = ["catat-forge", event, "--tinjauan", reviews, "--katalog", self.repo.root, "--commit", *extra]
        result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    def forge_dir(self) -> Path:
        """The forge data the publication check reads: <number>/pull_request.json and reviews.json."""
        out = self.dir / "data"
        for pr in self.prs.values():
            if pr.closed is None:
                continue
            folder = out / str(pr.number)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "pull_request.json").write_text(json.dumps(self.pull_request(pr, "closed")), encoding="utf-8")
            (folder / "reviews.json").write_text(json.dumps([p["review"] for p in pr.reviews]), encoding="utf-8")
        return out
