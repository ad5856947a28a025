"""``satudata check-pr BASE [HEAD] --aktor AKUN``: a pull request judged by the rules of its base.

Everything is read from git objects (:mod:`pipeline.workflow.revision`), never from the working
tree, so nothing a pull request contains decides the rules that judge it:

- **The rules are BASE's**: ``schemas/**`` (record schemas, code lists, ``sop.yaml``),
  ``roles.yaml`` and ``katalog.yaml`` at BASE (the tool's own when BASE has none), and the tool
  itself (the workflow installs it from BASE). **The records are HEAD's**: ``metadata/**`` is
  materialised from HEAD's blobs (regular files only) and the whole catalog is validated with
  the normal checks under BASE's rules.
- **Every path of the pull request is judged** (the merge-base..HEAD range). An account that is
  only an OPD may change only ``metadata/<its opd>/**``. Every other path (``schemas/**``,
  ``roles.yaml``, ``katalog.yaml``, ``.github/**``, ``docs/**``, ``mkdocs.yml``, ``pipeline/**``,
  build and lock files…) is a rule file: it needs a Walidata account and a pull request that
  changes no activity records (``opd.yaml`` may change with it, to add an OPD). Such a pull
  request is also validated under its NEW rules, and the report says which findings appear or
  disappear. A symlink or submodule anywhere in the pull request is refused.
- **Events are judged against the base SOP**: ``alur.riwayat`` only grows; each new event is
  typed by the pull request's author for a step that is typed (not attested by the forge), in
  a role the author holds (for its own OPD), with a time not in the future; and it was added in
  a commit whose author is that account (``roles.yaml`` ``email`` or the GitHub noreply address).
- Fields the schema marks ``"x-diisi-oleh": "bps"`` (R17) change only in pull requests by BPS.
- An approved activity whose content changes needs an author whose pull request opens a new
  review cycle on the forge (the OPD: step 7; Walidata: step 8).
- ``.github/CODEOWNERS`` matches HEAD's ``opd.yaml`` and ``roles.yaml``.

What changes is shown with the one change model of the tool (:mod:`pipeline.workflow.diff`),
labelled by BASE's schemas.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..check.alur import sop_file_findings, typed_event_findings
from ..check.engine import validate_catalog
from ..codes import GALAT, Finding, finding
from ..contract.config import CONFIG_FILE
from ..contract.roles import ROLES_FILE, Account, Roles
from ..contract.schema import BUNDLED, RecordSchema, RulesError, Schemas, values_at
from ..layout import SLUG, activity_of, identify, is_data_file, opd_of
from ..read.git import Revision, resolve
from ..read.loader import LoadError, decode, load, parse
from ..sop.definition import Sop, SopError
from ..sop.state import riwayat, status
from .codeowners import CODEOWNERS_FILE, codeowners
from .diff import Report as ChangeReport
from .diff import Side, compare, md
from .revision import MODE_WORDS, Changed, Commit, Repo

RULE_ROOT_FILES = ("schemas", ROLES_FILE, CONFIG_FILE)
RULES, RECORDS, OPD_FILE_CLASS = "aturan", "rekaman", "opd"


@dataclass
class RuleChange:
    """What a rule-file pull request changes in how the catalog is judged."""

    paths: list[str]
    appeared: list[Finding] = field(default_factory=list)
    disappeared: list[Finding] = field(default_factory=list)
    tool_changed: bool = False

    def to_dict(self) -> dict:
        return {
            "berkas": self.paths,
            "temuan_muncul": [f.to_dict() for f in self.appeared],
            "temuan_hilang": [f.to_dict() for f in self.disappeared],
            "kode_alat_berubah": self.tool_changed,
        }


@dataclass
class PrReport:
    aktor: str
    akun: Account | None
    base: str
    head: str
    since: str
    sop: Sop | None
    temuan: list[Finding] = field(default_factory=list)
    perubahan: ChangeReport | None = None
    aturan: RuleChange | None = None
    catatan: list[str] = field(default_factory=list)  # what the forge will record, notes for reviewers

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.temuan)

    def to_dict(self) -> dict:
        return {
            "aktor": self.aktor,
            "peran": list(self.akun.peran) if self.akun else [],
            "opd": list(self.akun.opd) if self.akun else [],
            "base": self.base,
            "head": self.head,
            "titik_cabang": self.since,
            "ringkasan": {
                "galat": sum(f.is_error for f in self.temuan),
                "peringatan": sum(not f.is_error for f in self.temuan),
            },
            "temuan": [f.to_dict() for f in self.temuan],
            "catatan": self.catatan,
            "aturan_baru": self.aturan.to_dict() if self.aturan else None,
            "perubahan": self.perubahan.to_dict() if self.perubahan else None,
        }


def classify(path: str, prefix: str = "") -> tuple[str, str | None]:
    """A repository path → (rekaman, opd) for ``metadata/<opd>/**``, (opd, opd) for its ``opd.yaml``,
    (aturan, None) for every other path."""
    if not path.startswith(prefix):
        return RULES, None
    parts = path[len(prefix) :].split("/")
    if len(parts) >= 3 and parts[0] == "metadata" and SLUG.fullmatch(parts[1]):
        return (OPD_FILE_CLASS if parts[2:] == ["opd.yaml"] else RECORDS), parts[1]
    return RULES, None


def _load_roles(root: Path) -> tuple[Roles | None, list[Finding]]:
    path = root / ROLES_FILE
    if not path.is_file():
        return None, []
    try:
        return Roles.from_data(load(path).data), []
    except LoadError as exc:
        return None, [Finding(exc.kode, GALAT, ROLES_FILE, exc.pesan, exc.saran, exc.baris)]


def rules_at(root: Path, label: str) -> tuple[Schemas | None, list[Finding]]:
    """The schemas at ``root/schemas`` (the tool's when there are none) and their SOP, or findings."""
    try:
        own = root / "schemas"
        schemas = Schemas(own if (own / "kegiatan.schema.json").is_file() else BUNDLED).verify()
    except SopError as exc:
        return None, sop_file_findings(exc, "schemas/sop.yaml")
    except RulesError as exc:
        return None, [finding("pr-aturan-rusak", "schemas", f"Aturan di {label} tidak dapat dibaca: {exc.pesan}")]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, [
            finding(
                "pr-aturan-rusak",
                "schemas",
                f"Aturan di {label} tidak dapat dibaca ({type(exc).__name__}: {exc}).",
                "Perbaiki berkas skema atau daftar kode di schemas/ (JSON dan CSV yang sah) lewat PR Walidata.",
            )
        ]
    return schemas, []


def _judged(repo: Repo, head: str, rules_root: Path, dest: Path) -> None:
    """HEAD's metadata/ with the root files (roles.yaml, katalog.yaml) of ``rules_root``."""
    repo.materialize(head, dest, "metadata")
    (dest / "metadata").mkdir(parents=True, exist_ok=True)
    for name in (ROLES_FILE, CONFIG_FILE):
        if (rules_root / name).is_file():
            shutil.copyfile(rules_root / name, dest / name)


def _key(f: Finding) -> tuple:
    return (f.kode, f.tingkat, f.berkas, f.lokasi, f.pesan)


def check_pr(repo: Path, base: str, head: str, actor: str, now: datetime | None = None) -> PrReport:
    """Judge what HEAD changes since its merge base with BASE, as done by ``actor``.

    Raises :class:`~pipeline.read.git.GitError` (:class:`~pipeline.read.git.BadRevision` for a
    revision that does not exist)."""
    r = Repo.of(repo)
    base_rev, head_rev = resolve(r.top, base), resolve(r.top, head)
    since = r.merge_base(base_rev.commit, head_rev.commit)
    now = now or datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="satudata-pr-") as tmp:
        tmp = Path(tmp)
        rules_root = tmp / "aturan-dasar"
        rules_root.mkdir()
        r.materialize(base_rev.commit, rules_root, *RULE_ROOT_FILES)
        schemas, broken = rules_at(rules_root, f"cabang dasar ({base})")
        roles, roles_problems = _load_roles(rules_root)
        account = roles.get(actor) if roles is not None else None
        report = PrReport(actor, account, base_rev.commit, head_rev.commit, since, schemas.sop if schemas else None)
        if broken:
            report.temuan += broken
            report.temuan.sort(key=Finding.sort_key)
            return report
        report.temuan += roles_problems
        if roles is None:
            report.temuan.append(
                finding(
                    "pr-peran-tidak-ada",
                    ROLES_FILE,
                    f"roles.yaml tidak ada atau tidak terbaca di cabang dasar ({base}); peran akun tidak dapat diperiksa.",
                    "Walidata menambahkan roles.yaml di cabang utama lebih dulu (lihat docs/panduan/admin.md).",
                )
            )
            roles = Roles()
        judged = tmp / "kepala"
        _judged(r, head_rev.commit, rules_root, judged)
        validated = validate_catalog(judged, schemas, cache=False).findings
        report.temuan += validated
        before = Side.load(r, since, tmp / "titik-cabang")
        after = Side.load(r, head_rev.commit, tmp / "kepala-lengkap")
        report.perubahan = compare(r, before, after, Revision("titik cabang", since), head_rev, schemas)
        changes = r.changes(since, head_rev.commit)
        _paths(report, r, changes, roles)
        _records(report, r, schemas, roles, before, after, changes, now)
        _codeowners(report, r, head_rev.commit, after)
        if any(classify(c.path, r.prefix)[0] == RULES for c in changes):
            _new_rules(report, r, head_rev.commit, tmp, validated, changes)
    report.temuan = sorted(set(report.temuan), key=Finding.sort_key)
    return report


# --- paths ------------------------------------------------------------------------------------


def _paths(report: PrReport, repo: Repo, changes: list[Changed], roles: Roles) -> None:
    """Who may change which path: OPD accounts their own folder, rule files Walidata alone."""
    actor, account = report.aktor, report.akun
    add = report.temuan.append
    for c in changes:
        if not c.regular:
            mode = c.new_mode if c.new_mode != "000000" else c.old_mode
            add(
                finding(
                    "pr-bukan-berkas-biasa",
                    c.path,
                    f"PR ini memuat {_mode_text(mode)} di {c.path}; katalog hanya menerima berkas biasa.",
                    "Ganti tautan atau submodul dengan isi berkas yang sebenarnya, atau hapus dari PR.",
                )
            )
    if not changes:
        return
    if account is None:
        add(
            finding(
                "pr-akun-tak-dikenal",
                ROLES_FILE,
                f"Akun '{actor}' tidak terdaftar di roles.yaml cabang dasar, sehingga PR-nya tidak dapat diterima.",
                "Minta Walidata mendaftarkan akun Anda di roles.yaml (peran dan OPD), lalu ajukan ulang PR ini.",
            )
        )
        return
    classes = {c.path: classify(c.path, repo.prefix) for c in changes}
    rules = sorted(p for p, (kind, _) in classes.items() if kind == RULES)
    records = sorted(p for p, (kind, _) in classes.items() if kind == RECORDS)
    walidata = "walidata" in account.peran
    if set(account.peran) <= {"opd"}:
        for slug in sorted({opd for kind, opd in classes.values() if opd is not None and opd not in account.opd}):
            add(
                finding(
                    "pr-opd-lain",
                    f"metadata/{slug}",
                    f"Akun '{actor}' hanya berperan untuk OPD {', '.join(account.opd) or '-'}, "
                    f"tetapi PR ini mengubah berkas OPD '{slug}'.",
                    "Pisahkan perubahan OPD lain ke PR oleh pengelola OPD tersebut, atau minta bantuan Walidata.",
                )
            )
    if rules and not walidata:
        for path in rules:
            add(
                finding(
                    "pr-berkas-aturan",
                    path,
                    f"{path} adalah berkas aturan atau konfigurasi (di luar metadata/<opd>/); akun '{actor}' "
                    f"berperan {account.describe(report.sop)} dan tidak boleh mengubahnya.",
                    "Hapus perubahan berkas ini dari PR Anda. Perubahan aturan (skema, daftar kode, SOP, roles.yaml, "
                    "alur kerja, dokumen portal, kode alat) diajukan Walidata dalam PR tersendiri.",
                )
            )
    if rules and records and walidata:
        add(
            finding(
                "pr-aturan-dan-rekaman",
                rules[0],
                f"PR ini mengubah berkas aturan ({', '.join(rules[:3])}{' …' if len(rules) > 3 else ''}) sekaligus "
                f"rekaman metadata ({', '.join(records[:3])}{' …' if len(records) > 3 else ''}).",
                "Pisahkan menjadi dua PR: aturan lebih dulu (diperiksa di bawah aturan baru), lalu rekaman "
                "yang memakainya, yang diperiksa dengan aturan yang sudah digabung.",
            )
        )


def _mode_text(mode: str) -> str:
    return MODE_WORDS.get(mode, f"berkas ber-mode {mode}")


# --- records: R17 fields, review cycles, the SOP log ----------------------------------------


def filled_by(rs: RecordSchema) -> list[tuple[tuple, str]]:
    """Schema paths ('*' = any list item) of the fields only one role fills (``x-diisi-oleh``)."""
    return rs.annotated("x-diisi-oleh")


def review_content(data, rs: RecordSchema) -> object:
    """What review covers: the record without the SOP log and the fields one role fills."""
    if not isinstance(data, Mapping):
        return data
    content = json.loads(json.dumps(rs.content(data), default=str))
    for pattern, _role in filled_by(rs):
        for path, _value in values_at(content, pattern):
            node = content
            for part in path[:-1]:
                node = node[part]
            if isinstance(node, dict):
                node.pop(path[-1], None)
    return content


def changes_content(path: str, old: bytes | None, new: bytes | None, schemas: Schemas) -> bool:
    """Whether changing catalog-relative ``path`` from ``old`` to ``new`` (bytes; None: absent) changes
    what review approves: a record's :func:`review_content` (not its SOP log, not its formatting),
    or any byte of a data file (the portal publishes it). check-pr and the forge recorder both ask here."""
    found = identify(path)
    if found is None:
        return is_data_file(path) and old != new
    a, b = _doc(old), _doc(new)
    a, b = (a.data if a else None), (b.data if b else None)
    rs = schemas[found.kind]
    return review_content(a, rs) != review_content(b, rs) or (a is None) != (b is None)


def _doc(raw: bytes | None):
    if raw is None:
        return None
    try:
        return parse(decode(raw))
    except LoadError:
        return None


def _records(
    report: PrReport,
    repo: Repo,
    schemas: Schemas,
    roles: Roles,
    before: Side,
    after: Side,
    changes: list[Changed],
    now: datetime,
) -> None:
    sop, account, actor = report.sop, report.akun, report.aktor
    paths = [c.path[len(repo.prefix) :] for c in changes if c.path.startswith(repo.prefix)]
    activities: dict[str, dict] = {}
    old_raw, new_raw = repo.read(report.since, paths), repo.read(report.head, paths)
    for path in paths:
        found = identify(path)
        if found is None:
            if is_data_file(path) and changes_content(path, old_raw[path], new_raw[path], schemas):
                info = activities.setdefault(activity_of(path), {"opd": opd_of(path), "content": False})
                info["content"] = True
            continue
        rs = schemas[found.kind]
        old, new = before.catalog.get(found.kind, found.ident), after.catalog.get(found.kind, found.ident)
        old_data = old.data if old is not None and old.doc is not None else None
        new_data = new.data if new is not None and new.doc is not None else None
        for pattern, role in filled_by(rs):
            a, b = dict(values_at(old_data or {}, pattern)), dict(values_at(new_data or {}, pattern))
            for field_path in sorted(set(a) | set(b), key=str):
                if a.get(field_path) == b.get(field_path) or (account is not None and role in account.peran):
                    continue
                fld = rs.nearest_field(field_path)
                report.temuan.append(
                    finding(
                        "pr-isian-diisi-oleh",
                        path,
                        f"{rs.form} {fld.heading() if fld else '.'.join(map(str, field_path))} hanya diisi oleh "
                        f"{sop.short_role(role)}, tetapi PR oleh '{actor}' mengubahnya "
                        f"({_short(a.get(field_path))} → {_short(b.get(field_path))}).",
                        f"Kembalikan isian ini seperti di cabang dasar; {sop.short_role(role)} mengisinya dalam PR sendiri.",
                        baris=new.line(field_path) if new is not None else None,
                        lokasi=".".join(map(str, field_path)),
                        nomor=fld.nomor if fld else None,
                        label=fld.label if fld else None,
                        formulir=rs.form,
                    )
                )
        if found.activity is None:
            continue
        info = activities.setdefault(found.activity, {"opd": found.opd, "content": False})
        if changes_content(path, old_raw[path], new_raw[path], schemas):
            info["content"] = True
    commits = repo.commits(report.since, report.head)
    for activity, info in sorted(activities.items()):
        keg = f"metadata/{activity}/kegiatan.yaml"
        old, new = before.catalog.get("kegiatan", activity), after.catalog.get("kegiatan", activity)
        _cycle(report, keg, info, old, new)
        _log(report, repo, roles, keg, info["opd"], old, new, commits, now)


def _short(value) -> str:
    text = "kosong" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _opens_cycle(sop: Sop, account: Account | None, opd: str) -> list[int]:
    """The new-cycle steps the forge records when this account opens a PR changing the activity."""
    if account is None:
        return []
    out = []
    for n in sop.siklus_baru:
        step = sop.langkah[n]
        roles = [p for p in step.pelaksana if p in account.peran and (p != "opd" or opd in account.opd)]
        if "dibuka" in step.forge and roles:
            out.append(n)
    return out


def _cycle(report: PrReport, keg: str, info: dict, old, new) -> None:
    """An approved activity whose content changes: the PR must open a new review cycle on the forge."""
    sop = report.sop
    if not info["content"] or old is None or not status(old.data, sop).disetujui:
        return
    opens = _opens_cycle(sop, report.akun, info["opd"])
    if opens:
        step = sop.langkah[opens[0]]
        report.catatan.append(
            f"{keg}: kegiatan ini sudah disetujui BPS; PR ini membuka siklus pemeriksaan baru "
            f"(langkah {step.label()} dicatat dari GitHub), jadi kegiatan tidak tampil di portal sampai BPS "
            "menyetujuinya lagi."
        )
        return
    cycle = " atau ".join(
        f"{n} ({sop.langkah[n].ringkas}, {sop.roles_text(sop.langkah[n].pelaksana)})" for n in sop.siklus_baru
    )
    report.temuan.append(
        finding(
            "pr-perlu-siklus-baru",
            keg,
            f"Kegiatan ini sudah disetujui BPS (langkah {sop.disetujui}); PR oleh '{report.aktor}' mengubah isi "
            "MS-Keg/MS-Var/MS-Ind atau berkas datanya (data/), tetapi PR dari akun ini tidak membuka siklus "
            "pemeriksaan baru.",
            f"Perubahan isi kegiatan yang sudah disetujui diajukan oleh pelaksana langkah {cycle}: "
            "GitHub mencatat langkah itu saat PR dibuka, lalu kegiatan ditinjau ulang.",
            baris=new.line(()) if new is not None else None,
        )
    )


def _canon(event) -> str:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, default=str)


def _introduced(repo: Repo, path: str, commits: list[Commit]) -> dict[str, Commit]:
    """Event (canonical text) → the last commit of the PR that introduced it into ``path``."""
    logs: dict[str, list[str]] = {}

    def log_at(sha: str) -> list[str]:
        if sha not in logs:
            doc = _doc(repo.read(sha, [path])[path])
            logs[sha] = [_canon(e) for e in riwayat(doc.data if doc else None)]
        return logs[sha]

    out: dict[str, Commit] = {}
    for commit in commits:
        present = log_at(commit.sha)
        earlier = set().union(*(log_at(p) for p in commit.parents)) if commit.parents else set()
        for event in present:
            if event not in earlier:
                out[event] = commit
    return out


def _log(report: PrReport, repo: Repo, roles: Roles, path: str, opd: str, old, new, commits, now) -> None:
    """alur.riwayat only grows, and every event the PR adds may be typed by its author."""
    add = report.temuan.append
    sop, actor, account = report.sop, report.aktor, report.akun
    before, after = riwayat(old.data if old else None), riwayat(new.data if new else None)

    def line(i=None):
        return new.line(("alur", "riwayat", i) if i is not None else ("alur", "riwayat")) if new else None

    if new is not None and new.doc is None:  # does not parse: the loader's finding says why
        return
    if new is None:
        if old is not None and before and (account is None or "walidata" not in account.peran):
            add(
                finding(
                    "pr-hapus-riwayat",
                    path,
                    f"Kegiatan dengan {len(before)} peristiwa SOP dihapus; riwayat alur hanya boleh ditambah.",
                    "Hanya Walidata yang boleh menghapus kegiatan yang sudah memiliki riwayat.",
                )
            )
        return
    report.temuan += _append_only(path, before, after, line)
    added = list(enumerate(after))[len(before) :]
    if not added:
        return
    introduced = _introduced(repo, path, commits) if account is not None else {}
    for i, event in added:
        if not isinstance(event, Mapping):
            continue
        commit = introduced.get(_canon(event))
        where = {"baris": line(i), "lokasi": f"alur.riwayat.{i}"}
        report.temuan += typed_event_findings(
            event,
            berkas=path,
            opd=opd,
            actor=actor,
            account=account,
            sop=sop,
            now=now,
            committed=commit.committed if commit else None,
            **where,
        )
        if account is None or commit is None:
            continue
        author = roles.by_email(commit.author_email)
        if author is None:
            add(
                finding(
                    "pr-commit-penulis-tak-dikenal",
                    path,
                    f"Peristiwa langkah {_step_of(event)} ditambahkan oleh commit {commit.sha[:10]} ('{commit.subject}') "
                    f"dengan penulis {commit.author_email}, yang bukan e-mail akun mana pun di roles.yaml.",
                    f"Buat commit dengan e-mail akun Anda (git config user.email), misalnya alamat noreply GitHub "
                    f"ID+{actor}@users.noreply.github.com, atau minta Walidata menambahkan e-mail itu di roles.yaml.",
                    **where,
                )
            )
        elif author.login.casefold() != actor.casefold():
            add(
                finding(
                    "pr-commit-penulis",
                    path,
                    f"Peristiwa langkah {_step_of(event)} atas nama '{event.get('aktor')}' ditambahkan oleh commit "
                    f"{commit.sha[:10]} milik akun '{author.login}', bukan oleh '{actor}'.",
                    "Setiap orang mencatat langkahnya sendiri dalam PR-nya sendiri; hapus peristiwa ini dari PR.",
                    **where,
                )
            )


def _append_only(path: str, before: list, after: list, line) -> list[Finding]:
    """Events of the base log that the PR changed or removed."""
    out = []
    for i, event in enumerate(before):
        if i >= len(after):
            out.append(
                finding(
                    "pr-riwayat-dihapus",
                    path,
                    f"Peristiwa ke-{i + 1} sampai ke-{len(before)} di alur.riwayat dihapus.",
                    "Kembalikan peristiwa yang dihapus; riwayat hanya boleh ditambah di akhir.",
                    baris=line(),
                )
            )
            break
        if after[i] != event:
            out.append(
                finding(
                    "pr-riwayat-diubah",
                    path,
                    f"Peristiwa ke-{i + 1} di alur.riwayat (langkah {_step_of(event)}) diubah; peristiwa lama tidak boleh diubah.",
                    "Kembalikan peristiwa ini seperti di cabang dasar. Untuk koreksi, tambahkan peristiwa baru di akhir dengan catatan.",
                    baris=line(i),
                )
            )
    return out


def _step_of(event) -> str:
    if not isinstance(event, Mapping):
        return "?"
    return str(event.get("langkah", event.get("akhir", "?")))


# --- CODEOWNERS and new rules -----------------------------------------------------------------


def _codeowners(report: PrReport, repo: Repo, head: str, after: Side) -> None:
    """HEAD's .github/CODEOWNERS (at the repository top) says what opd.yaml and roles.yaml say."""
    top = Repo(repo.top, "")
    current = top.read(head, [CODEOWNERS_FILE])[CODEOWNERS_FILE]
    if current is None:
        return
    roles, _ = _load_roles(after.root)
    expected = codeowners(after.catalog, roles or Roles())
    if current.decode("utf-8", "replace") != expected:
        report.temuan.append(
            finding(
                "pr-codeowners",
                CODEOWNERS_FILE,
                f"{CODEOWNERS_FILE} tidak sesuai dengan pengelola di opd.yaml dan tim_walidata di roles.yaml pada PR ini.",
                "Walidata menjalankan satudata codeowners dan menyertakan hasilnya; pengelola OPD baru ditambahkan "
                "lewat PR Walidata.",
            )
        )


def _new_rules(report: PrReport, repo: Repo, head: str, tmp: Path, validated: list[Finding], changes) -> None:
    """A rule-file PR: the catalog under its NEW rules, and which findings that changes."""
    paths = sorted(c.path for c in changes if classify(c.path, repo.prefix)[0] == RULES)
    change = report.aturan = RuleChange(paths, tool_changed=any(p.startswith("pipeline/") for p in paths))
    rules_root = tmp / "aturan-baru"
    rules_root.mkdir()
    repo.materialize(head, rules_root, *RULE_ROOT_FILES)
    schemas, broken = rules_at(rules_root, "PR ini")
    if broken:
        report.temuan += broken
        return
    new_judged = tmp / "kepala-aturan-baru"
    _judged(repo, head, rules_root, new_judged)
    new = validate_catalog(new_judged, schemas, cache=False).findings
    old_keys, new_keys = {_key(f) for f in validated}, {_key(f) for f in new}
    change.appeared = [f for f in new if _key(f) not in old_keys]
    change.disappeared = [f for f in validated if _key(f) not in new_keys]
    report.temuan += [f for f in change.appeared if f.is_error]


# --- Markdown ---------------------------------------------------------------------------------


def _finding_line(f: Finding) -> str:
    item = f" {md(f.item())}" if f.item() else ""
    return f"- **{f.tingkat.upper()}** `{md(f.where())}` [{f.kode}]{item} {md(f.pesan)} Perbaikan: {md(f.saran)}"


def markdown(report: PrReport) -> str:
    """The check's summary for the pull request page (``$GITHUB_STEP_SUMMARY``), in Indonesian."""
    sop = report.sop
    who = report.akun.describe(sop) if report.akun and sop else "tidak terdaftar di roles.yaml"
    errors = [f for f in report.temuan if f.is_error]
    lines = [
        "## Pemeriksaan PR",
        "",
        f"Diajukan oleh `{md(report.aktor)}` ({md(who)}); aturan dari basis `{report.base[:10]}`, "
        f"perubahan sejak `{report.since[:10]}` sampai kepala `{report.head[:10]}`.",
        "",
    ]
    if not report.temuan:
        lines.append("Tidak ada galat atau peringatan: metadata, aturan alur dan peran terpenuhi.")
    else:
        lines += [f"**{len(errors)} galat, {len(report.temuan) - len(errors)} peringatan.**", ""]
        lines += [_finding_line(f) for f in report.temuan]
    lines.append("")
    if report.catatan:
        lines += ["### Catatan", ""] + [f"- {md(c)}" for c in report.catatan] + [""]
    if report.aturan:
        rule = report.aturan
        lines += ["### Aturan yang diubah PR ini", ""]
        lines += [f"- {md(p)}" for p in rule.paths]
        lines.append("")
        if rule.tool_changed:
            lines += ["Kode alat (pipeline/) berubah: tidak dijalankan oleh pemeriksaan ini; diuji alur kerja Uji.", ""]
        lines += [f"Di bawah aturan baru: {len(rule.appeared)} temuan muncul, {len(rule.disappeared)} hilang.", ""]
        lines += [_finding_line(f).replace("- ", "- ➕ ", 1) for f in rule.appeared]
        lines += [_finding_line(f).replace("- ", "- ➖ ", 1) for f in rule.disappeared]
        lines.append("")
    if report.perubahan is not None:
        from .diff import to_markdown

        lines.append(to_markdown(report.perubahan))
    return "\n".join(lines).rstrip("\n") + "\n"
