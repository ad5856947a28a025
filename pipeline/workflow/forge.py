"""The forge attests what it sees: a GitHub pull request → SOP events (``satudata catat-forge``).

Reviews, approvals and merges happen on GitHub; GitHub, not the person, says when and by whom.
From a pull request (the ``pull_request`` webhook payload, or the object ``GET /repos/{o}/{r}/
pulls/{n}`` returns) and its reviews (``GET …/pulls/{n}/reviews``, or ``pull_request_review``
payloads), this module derives *observations* — the PR opened by its author, each review that
approves or requests changes, the first commit after a change request, the merge, a close
without merge — and turns each into the SOP step that ``schemas/sop.yaml`` says it is
(``dicatat: forge`` with ``forge: [...]``), given the activity's state at that moment:

- an observation becomes the allowed next step whose ``forge`` lists it and whose performer is
  a role the account holds (an OPD account only for its own OPD); when several match, the
  highest-numbered one, and the same observation may go on (BPS's Approve after step 8 is step
  9, BPS reviewed, then 11, BPS approved). ``perbaikan`` answers the pending change request of
  the role in ``catatan_dari``.
- BPS's approval is step 11 only for the commit that was merged (``review.commit_id`` equals
  the PR's head); an approval of an older commit is a review (9), not an approval.
- The approvals standing on the merged head do not depend on their order: an approval whose
  step cannot follow yet waits for the step before it; once BPS approved the head in this PR, no
  later review of the same PR re-opens the cycle (so the merge is step 12).
- An observation earlier than the log's last event (for example a review before an event the
  PR typed later) is left out and reported, so the log stays in time order.
- A PR closed without merge ends an activity that is not approved (``akhir``: ``ditutup`` by
  BPS is ``ditolak``, by its OPD ``dibatalkan``); an approved activity keeps its approval.

Events carry the forge's time (in the SOP's time zone), the GitHub login, ``sumber: forge``, the
PR number, the commit and, from a review's text ``/indah 123456``, the Indah record id. The
result depends only on the forge data and the repository at one commit (read from git objects),
so the publication check can compute it again and compare (:mod:`pipeline.workflow.forgehistory`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..contract.roles import ROLES_FILE, Account, Roles
from ..contract.schema import Schemas
from ..layout import activity_of, identify
from ..read import jsondata
from ..read.git import GitError
from ..read.loader import LoadError, decode, load, parse
from ..sop.definition import Sop
from ..sop.state import allowed_ends, allowed_next, events, marks, needs_recommendation, parse_time, riwayat, status
from .checkpr import RULE_ROOT_FILES, changes_content, rules_at
from .revision import Repo

LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")
INDAH = re.compile(r"^[ \t]*/indah[ \t]+([0-9A-Za-z-]{1,40})[ \t]*$", re.MULTILINE)
NOTE_LIMIT = 2000
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
ORDER = {"dibuka": 0, "perbaikan": 1, "setuju": 2, "minta-perubahan": 2, "digabung": 3, "ditutup": 3}
TRUSTED_KEYS = ("langkah", "akhir", "waktu", "peran", "aktor", "sumber", "pr", "commit")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ForgeDataError(ValueError):
    """The JSON given is not a pull request or its reviews; the message says what is missing."""


def _time(obj, key: str, what: str, required: bool = True) -> datetime | None:
    value = jsondata.get(obj, key, str, what, **({} if required else {"default": None}))
    if value is None:
        return None
    moment = parse_time(value)
    if moment is None:
        raise ForgeDataError(
            f"{what}: isian '{key}' {value[:40]!r} bukan waktu ISO 8601 dengan zona (seperti 2025-02-03T02:00:00Z)."
        )
    return moment


def _login(user, what: str) -> str:
    login = jsondata.get(user, "login", str, what) if isinstance(user, Mapping) else None
    if not login or not LOGIN.fullmatch(login):
        raise ForgeDataError(f"{what}: akun (login) tidak ada atau bukan nama akun GitHub.")
    return login


def _number(obj, key: str, what: str) -> int:
    value = jsondata.get(obj, key, int, what)
    if not 0 < value < 2**53:
        raise ForgeDataError(f"{what}: isian '{key}' bukan nomor yang sah.")
    return value


@dataclass(frozen=True)
class PullRequest:
    number: int
    title: str
    author: str
    created: datetime
    head_sha: str
    base_sha: str
    merged: bool
    merged_at: datetime | None
    merged_by: str | None
    merge_commit_sha: str | None
    closed_at: datetime | None
    closed_by: str | None

    @classmethod
    def from_json(cls, data: Any, closed_by: str | None = None) -> PullRequest:
        """A ``pull_request`` webhook payload or the REST API's pull request object; every field used
        is type-checked (a wrong one is a :class:`ForgeDataError` naming it)."""
        try:
            return cls._from(data, closed_by)
        except jsondata.JsonDataError as exc:
            raise ForgeDataError(str(exc)) from None

    @classmethod
    def _from(cls, data: Any, closed_by: str | None) -> PullRequest:
        if not isinstance(data, Mapping):
            raise ForgeDataError(f"data PR bukan objek JSON, melainkan {jsondata.kind_word(data)}.")
        pr = data.get("pull_request") if isinstance(data.get("pull_request"), Mapping) else data
        if data is not pr and data.get("action") == "closed" and closed_by is None:
            closed_by = _login(data.get("sender"), "pengirim peristiwa")
        elif closed_by is not None:
            closed_by = _login({"login": closed_by}, "penutup PR (--ditutup-oleh)")
        what = "data PR"
        merged = bool(jsondata.get(pr, "merged", bool, what, default=False)) or pr.get("merged_at") is not None
        closed_at = _time(pr, "closed_at", "PR ditutup", required=False)
        return cls(
            number=_number(pr, "number", what),
            title=jsondata.get(pr, "title", str, what, default=""),
            author=_login(pr.get("user"), "pembuat PR"),
            created=_time(pr, "created_at", "PR dibuat"),
            head_sha=jsondata.sha(jsondata.get(pr, "head", dict, what), "sha", "kepala PR (head)"),
            base_sha=jsondata.sha(jsondata.get(pr, "base", dict, what), "sha", "dasar PR (base)"),
            merged=merged,
            merged_at=_time(pr, "merged_at", "PR digabung") if merged else None,
            merged_by=_login(pr["merged_by"], "penggabung PR") if merged and pr.get("merged_by") else None,
            merge_commit_sha=jsondata.sha(pr, "merge_commit_sha", what, required=False) if merged else None,
            closed_at=closed_at,
            closed_by=closed_by if closed_at else None,
        )


@dataclass(frozen=True)
class Review:
    id: int
    login: str
    state: str  # approved | changes_requested | commented | dismissed | pending
    body: str
    submitted: datetime | None
    commit: str | None

    @classmethod
    def many(cls, data: Any) -> list[Review]:
        """Reviews from the REST API's list, one ``pull_request_review`` payload, or a list of them."""
        items = data if isinstance(data, list) else [data]
        try:
            return _unique([cls._one(item, i) for i, item in enumerate(items, 1)])
        except jsondata.JsonDataError as exc:
            raise ForgeDataError(str(exc)) from None

    @classmethod
    def _one(cls, item: Any, i: int) -> Review:
        review = item.get("review", item) if isinstance(item, Mapping) else None
        if not isinstance(review, Mapping) or "state" not in review:
            raise ForgeDataError(f"tinjauan ke-{i} bukan tinjauan PR dari GitHub.")
        what = f"tinjauan ke-{i}"
        return cls(
            id=_number(review, "id", what) if review.get("id") is not None else 0,
            login=_login(review.get("user"), f"peninjau {what}"),
            state=jsondata.get(review, "state", str, what).lower(),
            body=jsondata.get(review, "body", str, what, default=""),
            submitted=_time(review, "submitted_at", f"{what} dikirim", required=False),
            commit=jsondata.sha(review, "commit_id", what, required=False),
        )


def _unique(reviews: list[Review]) -> list[Review]:
    """Each review once (by id), oldest first."""
    by_id = {r.id or -i: r for i, r in enumerate(reviews, 1)}
    return sorted(by_id.values(), key=lambda r: (r.submitted is None, r.submitted or EPOCH, r.id))


@dataclass(frozen=True)
class Observation:
    kind: str  # dibuka | setuju | minta-perubahan | perbaikan | digabung | ditutup
    login: str
    time: datetime
    commit: str | None = None
    note: str = ""
    indah: str | None = None
    answers: str | None = None  # perbaikan: the login whose change request it answers

    def sort_key(self):
        return (self.time, ORDER[self.kind])


@dataclass
class Recorded:
    """The events for one activity, and what was seen but not recorded (for people)."""

    path: str
    events: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class Recording:
    pr: PullRequest
    activities: list[Recorded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # commits of the PR this checkout does not have

    @property
    def events(self) -> int:
        return sum(len(a.events) for a in self.activities)

    def to_dict(self) -> dict:
        return {
            "pr": self.pr.number,
            "catatan": self.notes,
            "commit_tidak_ada": self.missing,
            "kegiatan": [{"berkas": a.path, "peristiwa": a.events, "dilewati": a.skipped} for a in self.activities],
        }


def _review_text(body: str) -> tuple[str, str | None]:
    match = INDAH.search(body)
    text = INDAH.sub("", body).strip()
    return " ".join(text.split())[:NOTE_LIMIT], (match.group(1) if match else None)


def observations(pr: PullRequest, reviews: list[Review], repo: Repo, roles: Roles, content: bool) -> list[Observation]:
    """What GitHub saw, in time order. ``content``: the PR changes the activity's metadata."""
    end = pr.merged_at or pr.closed_at
    out: list[Observation] = []
    if content:
        out.append(
            Observation("dibuka", pr.author, pr.created, note=f"PR #{pr.number} dibuka: {pr.title}"[:NOTE_LIMIT])
        )
    since = repo.merge_base(pr.base_sha, pr.head_sha)
    commits = repo.commits(since, pr.head_sha)
    shas = [c.sha for c in commits]
    counted = [r for r in reviews if r.state in ("approved", "changes_requested") and r.submitted is not None]
    counted = [r for r in counted if end is None or r.submitted <= end]
    for i, review in enumerate(counted):
        text, indah = _review_text(review.body)
        kind = "setuju" if review.state == "approved" else "minta-perubahan"
        default = "Disetujui di GitHub" if kind == "setuju" else "Perubahan diminta di GitHub"
        out.append(
            Observation(
                kind, review.login, review.submitted, review.commit, text or f"{default} (PR #{pr.number}).", indah
            )
        )
        if kind != "minta-perubahan" or review.commit not in shas:
            continue
        after = shas.index(review.commit) + 1
        if after >= len(shas):
            continue
        fix = commits[after]
        later = [r.submitted for r in counted[i + 1 :] if r.submitted >= review.submitted]
        upper = min([*later, *([end] if end else [])], default=None)
        moment = max(fix.committed, review.submitted)
        moment = min(moment, upper) if upper is not None else moment
        author = roles.by_email(fix.author_email)
        if author is not None:
            out.append(
                Observation(
                    "perbaikan",
                    author.login,
                    moment,
                    fix.sha,
                    f"Perbaikan: {fix.subject}"[:NOTE_LIMIT],
                    answers=review.login,
                )
            )
    if pr.merged and pr.merged_by and pr.merged_at:
        out.append(_merge(pr, counted, roles))
    elif pr.closed_at and pr.closed_by:
        out.append(Observation("ditutup", pr.closed_by, pr.closed_at, note=f"PR #{pr.number} ditutup tanpa digabung."))
    return sorted(out, key=Observation.sort_key)


def _merge(pr: PullRequest, reviews: list[Review], roles: Roles) -> Observation:
    """The merge publishes, and Walidata performs publication. Merged by someone else, it is the
    publication that the Walidata account which last approved authorised (code-owner review)."""
    note = f"PR #{pr.number} digabung ke main."
    merger = roles.get(pr.merged_by)
    if merger is None or "walidata" not in merger.peran:
        walidata = [r.login for r in reviews if r.state == "approved" and _holds(roles, r.login, "walidata")]
        if walidata:
            note += f" Digabung oleh {pr.merged_by} atas persetujuan Walidata {walidata[-1]}."
            return Observation("digabung", walidata[-1], pr.merged_at, pr.merge_commit_sha, note)
    return Observation("digabung", pr.merged_by, pr.merged_at, pr.merge_commit_sha, note)


def _holds(roles: Roles, login: str, role: str) -> bool:
    account = roles.get(login)
    return account is not None and role in account.peran


def _roles_of(account: Account, opd: str) -> list[str]:
    return [p for p in account.peran if p != "opd" or opd in account.opd]


def translate(
    obs: Observation,
    account: Account,
    opd: str,
    previous: list,
    survei: bool,
    sop: Sop,
    pending: list[str],
    head_sha: str,
    reopen: bool = True,
) -> list[tuple[int | str, str]]:
    """The steps (or end state) ``obs`` is in this state: [(step or end key, role)], in order.

    ``reopen`` False: the observation may not start a new review cycle (``siklus_baru``)."""
    roles = _roles_of(account, opd)
    produced: list[tuple[int | str, str]] = []
    used: set[int] = set()
    while True:
        candidates = []
        for n in allowed_next(sop, previous, survei):
            step = sop.langkah[n]
            if not step.by_forge or obs.kind not in step.forge or n in used:
                continue
            if not reopen and _only_as_new_cycle(sop, previous, n):
                continue
            if obs.kind == "perbaikan" and step.catatan_dari not in pending:
                continue
            if n == sop.disetujui and obs.kind == "setuju" and obs.commit != head_sha:
                continue  # an approval of a commit that was not merged approves nothing that is published
            fit = [r for r in roles if r in step.pelaksana]
            if fit:
                candidates.append((n, fit[0]))
        if not candidates:
            break
        n, role = max(candidates)
        produced.append((n, role))
        used.add(n)
        previous.append(n)
        if obs.kind == "perbaikan":
            pending.remove(sop.langkah[n].catatan_dari)
    if obs.kind == "ditutup":
        for key in allowed_ends(sop, previous):
            end = sop.akhir[key]
            fit = [r for r in roles if r in end.pelaksana]
            if "ditutup" in end.forge and fit:
                produced.append((key, fit[0]))
                previous.append(key)
                break
    return produced


def _only_as_new_cycle(sop: Sop, previous: list, n: int) -> bool:
    """Whether step ``n`` may follow ``previous`` only because a new review cycle starts there."""
    last = sop.step(previous[-1]) if previous and isinstance(previous[-1], int) else None
    return n in sop.siklus_baru and (last is None or n not in last.berikutnya)


def _event(obs: Observation, mark, role: str, pr: PullRequest, sop: Sop) -> dict:
    event: dict[str, Any] = {"akhir": mark} if isinstance(mark, str) else {"langkah": mark}
    event |= {
        "waktu": obs.time.astimezone(sop.jam_kerja.zone).isoformat(),
        "peran": role,
        "aktor": obs.login,
        "catatan": obs.note,
    }
    if obs.indah:
        event["indah"] = obs.indah
    event |= {"sumber": "forge", "pr": pr.number}
    if obs.commit:
        event["commit"] = obs.commit
    return event


def _activities(repo: Repo, pr: PullRequest, schemas: Schemas) -> dict[str, bool]:
    """Activities the PR touches → whether it changes their metadata (not only their SOP log)."""
    since = repo.merge_base(pr.base_sha, pr.head_sha)
    touched: dict[str, set[str]] = {}
    for change in repo.changes(since, pr.head_sha):
        if change.path.startswith(repo.prefix):
            path = change.path[len(repo.prefix) :]
            if activity_of(path):
                touched.setdefault(activity_of(path), set()).add(path)
    out = {}
    for activity, paths in sorted(touched.items()):
        old, new = repo.read(since, paths), repo.read(pr.head_sha, paths)
        out[activity] = any(changes_content(p, old[p], new[p], schemas) for p in paths)
    return out


def _data(raw: bytes | None):
    if raw is None:
        return None
    try:
        return parse(decode(raw)).data
    except LoadError:
        return None


def record(repo: Repo, commit: str, pr: PullRequest, reviews: list[Review]) -> Recording:
    """The forge events PR ``pr`` adds to the catalog as it is at ``commit`` (read from git objects)."""
    recording = Recording(pr)
    with tempfile.TemporaryDirectory(prefix="satudata-forge-") as tmp:
        rules = Path(tmp)
        repo.materialize(commit, rules, *RULE_ROOT_FILES)
        schemas, broken = rules_at(rules, f"commit {commit[:10]}")
        if broken:
            raise ForgeDataError(f"aturan di {commit[:10]} tidak dapat dibaca: {broken[0].pesan}")
        roles_path = rules / ROLES_FILE
        roles = Roles.from_data(load(roles_path).data) if roles_path.is_file() else Roles()
    sop = schemas.sop
    if not pr.merged and pr.closed_at is None:
        recording.notes.append(f"PR #{pr.number} belum ditutup: belum ada yang dicatat.")
        return recording
    recording.missing = [
        f"{label} {sha[:10]}"
        for label, sha in (("kepala", pr.head_sha), ("dasar", pr.base_sha))
        if not repo.has_commit(sha)
    ]
    if recording.missing:
        return recording
    try:
        repo.merge_base(pr.base_sha, pr.head_sha)
    except GitError:
        raise ForgeDataError(
            f"PR #{pr.number}: kepala {pr.head_sha[:10]} dan dasar {pr.base_sha[:10]} tidak punya leluhur bersama."
        ) from None
    for activity, content in _activities(repo, pr, schemas).items():
        path = f"metadata/{activity}/kegiatan.yaml"
        entry = Recorded(path)
        data = _data(repo.read(commit, [path])[path])
        if not isinstance(data, dict):
            recording.notes.append(f"{path}: tidak ada (atau tidak terbaca) di {commit[:10]}; tidak ada yang dicatat.")
            continue
        if any(e.by_forge and e.raw.get("pr") == pr.number for e in events(data)):
            recording.notes.append(f"{path}: peristiwa PR #{pr.number} sudah tercatat.")
            continue
        if not pr.merged and status(data, sop).disetujui:
            recording.notes.append(
                f"{path}: PR #{pr.number} ditutup tanpa digabung; kegiatan tetap disetujui, tidak ada yang dicatat."
            )
            continue
        _replay(entry, data, identify(path).opd, pr, observations(pr, reviews, repo, roles, content), roles, sop)
        recording.activities.append(entry)
    return recording


def _replay(entry: Recorded, data: dict, opd: str, pr: PullRequest, seen: list[Observation], roles: Roles, sop: Sop):
    """Turn the observations into events, in time order.

    The approvals standing on the merged head are facts of the PR, not of their order: an
    approval whose step cannot follow yet (BPS approved before Walidata) waits and counts, at the
    time it could, once an earlier step is recorded. Once BPS approved the head in this PR, the
    merged content is what was approved, so no later review of the same PR re-opens the cycle."""
    evs = events(data)
    state = {"previous": marks(sop, evs), "last": None, "approved": False, "pending": []}
    times = [e.waktu for e in evs if e.waktu is not None]
    state["last"] = times[-1] if times else None
    survei = needs_recommendation(data, sop)
    waiting: list[Observation] = []

    def apply(obs: Observation) -> bool:
        produced = translate(
            obs, roles.get(obs.login), opd, state["previous"], survei, sop, state["pending"], pr.head_sha,
            reopen=not state["approved"],
        )  # fmt: skip
        state["approved"] = state["approved"] or any(mark == sop.disetujui for mark, _ in produced)
        if obs.kind == "minta-perubahan":
            state["pending"] += [r for _, r in produced if r not in state["pending"]]
        for mark, role in produced:
            entry.events.append(_event(obs, mark, role, pr, sop))
            state["last"] = obs.time
        return bool(produced)

    for obs in seen:
        if roles.get(obs.login) is None:
            entry.skipped.append(f"{_seen(obs, sop)}: akun tidak ada di roles.yaml.")
        elif state["last"] is not None and obs.time < state["last"]:
            entry.skipped.append(f"{_seen(obs, sop)}: lebih awal daripada peristiwa terakhir riwayat.")
        elif apply(obs):
            while ready := [w for w in waiting if apply(replace(w, time=max(w.time, state["last"])))]:
                waiting = [w for w in waiting if w not in ready]
        elif obs.kind == "setuju" and obs.commit == pr.head_sha:
            waiting.append(obs)
        else:
            entry.skipped.append(f"{_seen(obs, sop)}: {_why_not(state['approved'])}")
    entry.skipped += [f"{_seen(w, sop)}: {_why_not(state['approved'])}" for w in waiting]


def _seen(obs: Observation, sop: Sop) -> str:
    return f"{obs.kind} oleh {obs.login} pada {obs.time.astimezone(sop.jam_kerja.zone).isoformat()}"


def _why_not(approved: bool) -> str:
    if approved:
        return "kepala PR ini sudah disetujui BPS; tidak membuka siklus pemeriksaan baru."
    return "bukan langkah SOP yang boleh berikutnya."


def write(root: Path, recording: Recording) -> list[Path]:
    """Append the recorded events to the working tree's kegiatan.yaml files (under their locks)."""
    from ..edit.events import append_event, locked

    written = []
    for entry in recording.activities:
        if not entry.events:
            continue
        file = root / entry.path
        with locked(file):
            for event in entry.events:
                append_event(file, event)
        written.append(file)
    return written


def trusted(event: Mapping) -> dict:
    """The fields of a forge event that the publication check compares (not the free text)."""
    return {k: event[k] for k in TRUSTED_KEYS if k in event}


def load_json(path: Path, what: str) -> Any:
    """A file of GitHub data, read as hostile JSON (:mod:`pipeline.read.jsondata`)."""
    try:
        return jsondata.load_file(path, what)
    except jsondata.JsonDataError as exc:
        raise ForgeDataError(str(exc)) from None


def reviews_from(paths: Iterable[Path]) -> list[Review]:
    out: list[Review] = []
    for path in paths:
        data = load_json(path, "Berkas tinjauan")
        try:
            out += Review.many(data)
        except ForgeDataError as exc:
            raise ForgeDataError(f"Berkas tinjauan {Path(path).name}: {exc}") from None
    return _unique(out)


def logs_equal_before(old: dict, new: dict) -> bool:
    """Whether ``new`` is ``old`` with events appended to its log and nothing else changed."""
    a, b = riwayat(old), riwayat(new)
    rest = {k: v for k, v in old.items() if k != "alur"} == {k: v for k, v in new.items() if k != "alur"}
    return rest and len(b) >= len(a) and b[: len(a)] == a
