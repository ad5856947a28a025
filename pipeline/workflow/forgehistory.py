"""Publication re-checks history (``satudata periksa-terbit``): nothing reaches the portal that did
not come through a checked pull request or the trusted recording workflow.

Before the publishing workflow deploys, every commit on ``main``'s first-parent chain since the
last published commit must be one of:

- **a merge of a pull request** (GitHub's merge commit, as the forge reports it): its second
  parent is the PR's head, its tree is exactly git's merge of the two parents (nothing added in
  the merge itself), and ``check-pr`` passes for that PR under the rules of its first parent;
- **a commit of the recording workflow**: it only appends forge events (``sumber: forge``) of
  one PR to ``kegiatan.yaml`` files, and computing the forge events of that PR again, from
  GitHub's data and the repository at the commit's parent, gives exactly those events (their
  step, time, role, account, PR and commit; the free text of a note is not compared, since a
  reviewer may edit it);
Anything else is refused with the commit and the reason, whatever it changes: a push straight to
``main`` of ``schemas/``, ``roles.yaml`` or ``docs/`` would decide what the portal shows (``x-pribadi``)
and the rules every later PR in the same run is checked under. Only the root commit is taken as
it is: that is the repository's bootstrap (``satudata init``, pushed once), and ``--sejak`` (the
last published commit, or the commit an admin checked by hand) is where checking starts. A pull request that was merged but
whose forge events are not recorded yet makes publication wait (the recorder's commit will be
published by the next run), so unapproved content is never shown as approved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..codes import Finding, finding
from ..read.git import GitError, resolve
from ..read.loader import LoadError, decode, parse
from ..sop.state import riwayat
from .checkpr import RULES, check_pr, classify
from .forge import ForgeDataError, PullRequest, Review, load_json, logs_equal_before, record, trusted
from .revision import Commit, Repo


@dataclass
class ForgeData:
    """GitHub's record of the pull requests: <folder>/<number>/pull_request.json and reviews.json."""

    prs: dict[int, tuple[PullRequest, list[Review]]] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path | None) -> ForgeData:
        data = cls()
        if folder is None or not Path(folder).is_dir():
            return data
        for sub in sorted(Path(folder).iterdir()):
            if not sub.is_dir() or not sub.name.isdigit():
                continue
            try:
                pr = PullRequest.from_json(load_json(sub / "pull_request.json", "Data PR"))
                reviews_file = sub / "reviews.json"
                reviews = Review.many(load_json(reviews_file, "Tinjauan PR")) if reviews_file.is_file() else []
            except ForgeDataError as exc:
                raise ForgeDataError(f"folder {sub.name}/: {exc}") from None
            data.prs[pr.number] = (pr, reviews)
        return data

    def merged_as(self, sha: str) -> tuple[PullRequest, list[Review]] | None:
        for pr, reviews in self.prs.values():
            if pr.merged and pr.merge_commit_sha == sha:
                return pr, reviews
        return None


@dataclass
class History:
    commits: int = 0
    temuan: list[Finding] = field(default_factory=list)
    menunggu: list[int] = field(default_factory=list)  # merged PRs whose forge events are not recorded yet
    perlu_pr: list[int] = field(default_factory=list)  # PRs whose forge data the check needs
    gabungan: list[str] = field(default_factory=list)  # merge commits (the workflow asks GitHub for their PR)

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.temuan)

    @property
    def siap(self) -> bool:
        return self.ok and not self.menunggu

    def to_dict(self) -> dict:
        return {
            "commit_diperiksa": self.commits,
            "siap": self.siap,
            "menunggu_pencatatan": self.menunggu,
            "perlu_pr": self.perlu_pr,
            "gabungan": self.gabungan,
            "temuan": [f.to_dict() for f in self.temuan],
        }


def _data(raw: bytes | None):
    if raw is None:
        return None
    try:
        doc = parse(decode(raw))
    except LoadError:
        return None
    return doc.data if isinstance(doc.data, dict) else None


def _appended(repo: Repo, commit: Commit) -> tuple[dict[str, list[dict]] | None, str]:
    """A single-parent commit's appended events per kegiatan.yaml, or None and why it is not that."""
    parent = commit.parents[0]
    changes = repo.changes(parent, commit.sha)
    out: dict[str, list[dict]] = {}
    for change in changes:
        path = change.path[len(repo.prefix) :] if change.path.startswith(repo.prefix) else change.path
        if not change.regular or not path.startswith("metadata/") or not path.endswith("/kegiatan.yaml"):
            what = "berkas aturan " if classify(change.path, repo.prefix)[0] == RULES else ""
            return None, f"mengubah {what}{change.path}, bukan hanya riwayat alur kegiatan.yaml"
        old = _data(repo.read(parent, [path])[path])
        new = _data(repo.read(commit.sha, [path])[path])
        if old is None or new is None or not logs_equal_before(old, new):
            return None, f"mengubah {path} selain menambah peristiwa di akhir alur.riwayat"
        added = riwayat(new)[len(riwayat(old)) :]
        if not added or any(not isinstance(e, dict) or e.get("sumber") != "forge" for e in added):
            return None, f"menambah peristiwa yang bukan dari forge di {path}"
        out[path] = added
    return out, ""


def check_history(repo_path: Path, since: str | None, head: str, forge: ForgeData) -> History:
    """Judge every first-parent commit of ``head`` after ``since`` (all of them without ``since``)."""
    repo = Repo.of(repo_path)
    head_c = resolve(repo.top, head).commit
    since_c = resolve(repo.top, since).commit if since else None
    history = History()
    chain = repo.first_parents(since_c, head_c)
    merged: list[tuple[PullRequest, list[Review]]] = []
    recorded: set[int] = set()
    for commit in chain:
        if not commit.parents:
            continue  # the root commit: where the catalog's history starts
        history.commits += 1
        if len(commit.parents) > 1:
            history.gabungan.append(commit.sha)
            found = forge.merged_as(commit.sha)
            if found is not None:
                merged.append(found)
            history.temuan += _merge(repo, commit, found)
        else:
            recorded |= _single(repo, commit, forge, history)
    for pr, reviews in merged:
        if pr.number in recorded:
            continue
        try:
            pending = record(repo, head_c, pr, reviews).events
        except (ForgeDataError, GitError):
            pending = 0
        if pending:
            history.menunggu.append(pr.number)
    history.perlu_pr = sorted(set(history.perlu_pr))
    history.temuan.sort(key=Finding.sort_key)
    return history


def _merge(repo: Repo, commit: Commit, found) -> list[Finding]:
    short = commit.sha[:10]
    if found is None:
        return [
            finding(
                "terbit-bukan-pr",
                short,
                f"Commit gabungan {short} ('{commit.subject}') bukan penggabungan PR yang tercatat di GitHub.",
                "Gabungkan perubahan hanya lewat PR; minta Walidata mengembalikan main ke commit terakhir yang sah.",
            )
        ]
    pr, _ = found
    if pr.head_sha != commit.parents[1]:
        return [
            finding(
                "terbit-bukan-pr",
                short,
                f"Commit gabungan {short} untuk PR #{pr.number} menggabungkan {commit.parents[1][:10]}, "
                f"bukan kepala PR yang diperiksa ({pr.head_sha[:10]}).",
                "Gabungkan PR dengan tombol GitHub (Create a merge commit) setelah pemeriksaan lulus.",
            )
        ]
    try:
        tree = repo.git("merge-tree", "--write-tree", commit.parents[0], commit.parents[1]).decode().split()[0]
    except GitError:
        tree = None
    if tree != repo.git("rev-parse", f"{commit.sha}^{{tree}}").decode().strip():
        return [
            finding(
                "terbit-gabungan-diubah",
                short,
                f"Commit gabungan {short} untuk PR #{pr.number} berisi perubahan yang tidak ada di PR maupun di main.",
                "Kembalikan main ke commit sebelum penggabungan ini dan gabungkan PR lagi dengan tombol GitHub.",
            )
        ]
    report = check_pr(repo.top / repo.prefix, commit.parents[0], commit.parents[1], pr.author, now=pr.merged_at)
    if report.ok:
        return []
    codes = sorted({f.kode for f in report.temuan if f.is_error})
    return [
        finding(
            "terbit-pr-gagal",
            short,
            f"PR #{pr.number} oleh '{pr.author}' (digabung di {short}) tidak lulus satudata check-pr: {', '.join(codes)}.",
            f"Jalankan satudata check-pr {commit.parents[0][:10]} {commit.parents[1][:10]} --aktor {pr.author} untuk "
            "rinciannya; kembalikan penggabungan itu dan perbaiki lewat PR baru.",
        )
    ]


def _single(repo: Repo, commit: Commit, forge: ForgeData, history: History) -> set[int]:
    """A commit with one parent: a valid recorder's commit, or refused whatever it changes."""
    appended, why = _appended(repo, commit)
    numbers = {e.get("pr") for events in (appended or {}).values() for e in events}
    history.perlu_pr += [n for n in numbers if isinstance(n, int)]
    if appended is None:
        refuse = why
    elif not appended:
        refuse = "tidak mengubah apa pun (commit kosong)"
    elif len(numbers) != 1 or not isinstance(next(iter(numbers)), int):
        refuse = "menambah peristiwa forge dari lebih dari satu PR"
    else:
        number = next(iter(numbers))
        refuse = _recorder_mismatch(repo, commit, number, appended, forge)
        if refuse is None:
            return {number}
    short = commit.sha[:10]
    history.temuan.append(
        finding(
            "terbit-commit-tak-sah",
            short,
            f"Commit {short} ('{commit.subject}') oleh {commit.author_email} didorong ke main tanpa PR yang "
            f"diperiksa dan bukan commit pencatat yang sah: {refuse}.",
            "Portal tidak diterbitkan. Walidata mengembalikan (revert) commit ini lewat PR, memeriksa main, lalu "
            "menyetel variabel TERBIT_AWAL ke commit penggabungan PR itu agar pemeriksaan dimulai sesudahnya "
            "(docs/panduan/admin.md, Penerbitan portal).",
        )
    )
    return set()


def _recorder_mismatch(repo: Repo, commit: Commit, number: int, appended: dict, forge: ForgeData) -> str | None:
    """Why the events a recorder's commit appends for PR ``number`` are not GitHub's, or None."""
    if number not in forge.prs:
        return f"data GitHub untuk PR #{number} tidak tersedia"
    pr, reviews = forge.prs[number]
    try:
        expected = record(repo, commit.parents[0], pr, reviews)
    except (ForgeDataError, GitError) as exc:
        return f"peristiwa PR #{number} tidak dapat dihitung ulang ({exc})"
    if expected.missing:
        return (
            f"commit PR #{number} tidak ada di salinan ini ({', '.join(expected.missing)}; ambil dengan "
            f"git fetch origin refs/pull/{number}/head)"
        )
    want = {a.path: [trusted(e) for e in a.events] for a in expected.activities if a.events}
    got = {path: [trusted(e) for e in events] for path, events in appended.items()}
    if want != got:
        return f"peristiwanya tidak sama dengan yang dicatat GitHub untuk PR #{number}"
    return None
