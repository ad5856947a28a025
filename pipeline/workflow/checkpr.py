"""Roles and pull requests: ``roles.yaml``, ``satudata check-pr`` and ``.github/CODEOWNERS``.

``roles.yaml`` at the catalog root maps GitHub accounts to SOP roles::

    tim_walidata: [walidata-pasuruan]      # reviewers of everything (CODEOWNERS)
    akun:
      walidata-pasuruan: {peran: [walidata]}
      bps-kab-pasuruan: {peran: [bps]}
      dinkes-pasuruan: {peran: [opd], opd: [dinkes]}

``check_pr`` compares the catalog at the merge base of BASE and HEAD with HEAD, reading files
with ``git show REF:path`` (so it sees exactly what the pull request changes), and the roles at
BASE (so a pull request cannot grant itself a role). It enforces:

- ``alur.riwayat`` is append-only: HEAD's list starts with the base list unchanged;
- each new event's role is one the actor holds (an OPD account only for its own OPDs), and
  its ``aktor`` is the actor;
- an activity approved by BPS at base (step 11, no new cycle since) whose MS-Keg, MS-Var or
  MS-Ind content changes must get a new review cycle (a step 7 or 8 event) in the same PR;
- an account that is only an OPD changes nothing under another OPD's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..codes import GALAT, Finding
from ..contract.roles import ROLES_FILE, Account, Roles
from ..contract.schema import Schemas
from ..layout import identify
from ..read.git import GitError, changed_paths, git, resolve, show
from ..read.loader import LoadError, decode, parse
from ..sop.definition import Sop, SopError, load_sop
from ..sop.definition import parse as parse_sop
from ..sop.state import riwayat, status

# --- check-pr -------------------------------------------------------------------------------


@dataclass
class Change:
    """What a pull request changes in one metadata file, for the review summary."""

    berkas: str
    formulir: str
    status: str  # baru | diubah | dihapus
    bidang: list[tuple[str, str, str, str]] = field(default_factory=list)  # (lokasi, isian, lama, baru)
    peristiwa: list[dict] = field(default_factory=list)  # new alur events

    def to_dict(self) -> dict:
        return {
            "berkas": self.berkas,
            "formulir": self.formulir,
            "status": self.status,
            "bidang": [dict(zip(("lokasi", "isian", "lama", "baru"), b, strict=True)) for b in self.bidang],
            "peristiwa": self.peristiwa,
        }


@dataclass
class PrReport:
    aktor: str
    akun: Account | None
    base: str
    head: str
    sop: Sop
    temuan: list[Finding] = field(default_factory=list)
    perubahan: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.temuan)


@dataclass
class _Side:
    """One file at one ref: its data (None if absent) and its line map."""

    data: object = None
    doc: object = None
    error: LoadError | None = None

    @property
    def exists(self) -> bool:
        return self.doc is not None or self.error is not None


def _read(repo: Path, ref: str, path: str) -> _Side:
    raw = show(repo, ref, path)
    if raw is None:
        return _Side()
    try:
        doc = parse(decode(raw))
    except LoadError as exc:
        return _Side(error=exc)
    return _Side(doc.data, doc)


def _kind(path: str) -> tuple[str, str, str | None] | None:
    """metadata path → (kind, opd, activity dir) for record files, else None."""
    found = identify(path)
    if found is None:
        return None
    return found.kind, found.opd, f"metadata/{found.activity}" if found.activity else None


def _leaves(data, path=()):
    if isinstance(data, Mapping):
        for k, v in data.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(data, list) and any(isinstance(v, (Mapping, list)) for v in data):
        for i, v in enumerate(data):
            yield from _leaves(v, path + (i,))
    else:
        yield path, data


def _short(value) -> str:
    if value is None:
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "…"


def _field_changes(rs, old, new) -> list[tuple[str, str, str, str]]:
    before = dict(_leaves(rs.content(old))) if old is not None else {}
    after = dict(_leaves(rs.content(new))) if new is not None else {}
    rows = []
    for path in sorted(set(before) | set(after), key=lambda p: [str(x) for x in p]):
        if before.get(path) == after.get(path) and (path in before) == (path in after):
            continue
        fld = rs.nearest_field(path) if rs is not None else None
        rows.append(
            (
                ".".join(map(str, path)),
                fld.heading() if fld else ".".join(map(str, path)),
                _short(before.get(path)),
                _short(after.get(path)),
            )
        )
    return rows


def check_pr(repo: Path, base: str, head: str, actor: str, schemas: Schemas) -> PrReport:
    """Check what HEAD changes relative to BASE, as done by ``actor``. Raises :class:`GitError`.

    The rules themselves come from BASE too (roles.yaml and schemas/sop.yaml, else the SOP
    shipped with the tool), so a pull request cannot relax the rules it is judged by.
    ``schemas`` only provides the field labels for the change summary.
    """
    repo = Path(repo)
    base_c, head_c = resolve(repo, base).commit, resolve(repo, head).commit
    sop_side = _read(repo, base_c, "schemas/sop.yaml")
    try:
        sop = parse_sop(sop_side.data, f"{base}:schemas/sop.yaml") if sop_side.doc is not None else load_sop()
    except SopError:
        sop = load_sop()
    try:
        since = git(repo, "merge-base", base_c, head_c).decode().strip()
    except GitError:
        since = base_c
    roles_side = _read(repo, base_c, ROLES_FILE)
    roles = Roles.from_data(roles_side.data)
    account = roles.get(actor)
    report = PrReport(actor, account, base_c, head_c, sop)
    add = report.temuan.append

    if not roles_side.exists or roles_side.error is not None:
        add(
            Finding(
                "pr-peran-tidak-ada",
                GALAT,
                ROLES_FILE,
                f"roles.yaml tidak ada atau tidak terbaca di cabang dasar ({base}); peran akun tidak dapat diperiksa.",
                "Walidata menambahkan roles.yaml di cabang utama lebih dulu (lihat docs/alur-sop.md).",
            )
        )

    paths = [p for p in changed_paths(repo, since, head_c) if p.startswith("metadata/")]
    only_opd = account is not None and set(account.peran) <= {"opd"}
    if only_opd:
        for slug in sorted({p.split("/")[1] for p in paths if p.count("/") >= 2}):
            if slug not in account.opd:
                add(
                    Finding(
                        "pr-opd-lain",
                        GALAT,
                        f"metadata/{slug}",
                        f"Akun '{actor}' hanya berperan untuk OPD {', '.join(account.opd) or '-'}, "
                        f"tetapi PR ini mengubah berkas OPD '{slug}'.",
                        "Pisahkan perubahan OPD lain ke PR oleh pengelola OPD tersebut, atau minta bantuan Walidata.",
                    )
                )

    activities: dict[str, dict] = {}
    for path in paths:
        kind = _kind(path)
        if kind is None:
            continue
        old, new = _read(repo, since, path), _read(repo, head_c, path)
        state = "baru" if not old.exists else "dihapus" if not new.exists else "diubah"
        rs = schemas[kind[0]]
        change = Change(path, rs.form, state)
        if new.error is not None:
            add(Finding(new.error.kode, GALAT, path, new.error.pesan, new.error.saran, new.error.baris))
        changed_content = rs.content(old.data) != rs.content(new.data) or (old.exists != new.exists)
        change.bidang = _field_changes(rs, old.data, new.data) if changed_content else []
        if kind[2] is not None:
            info = activities.setdefault(kind[2], {"opd": kind[1], "content": False, "keg": None})
            if changed_content:
                info["content"] = True
            if kind[0] == "kegiatan":
                info["keg"] = (old, new, change)
        report.perubahan.append(change)

    for activity, info in sorted(activities.items()):
        keg_path = f"{activity}/kegiatan.yaml"
        old, new, change = info["keg"] or (_read(repo, since, keg_path), _read(repo, head_c, keg_path), None)
        _check_log(report, sop, keg_path, info["opd"], old, new, change, info["content"])
    report.perubahan = [c for c in report.perubahan if c.bidang or c.peristiwa or c.status != "diubah"]
    report.temuan.sort(key=Finding.sort_key)
    return report


def _check_log(report: PrReport, sop: Sop, path, opd, old: _Side, new: _Side, change, content_changed) -> None:
    add = report.temuan.append
    actor, account = report.aktor, report.akun
    before, after = riwayat(old.data), riwayat(new.data)

    def line(i=None):
        if new.doc is None:
            return None
        return new.doc.line(("alur", "riwayat", i) if i is not None else ("alur", "riwayat"))

    if not new.exists:
        if before and (account is None or "walidata" not in account.peran):
            add(
                Finding(
                    "pr-hapus-riwayat",
                    GALAT,
                    path,
                    f"Kegiatan dengan {len(before)} peristiwa SOP dihapus; riwayat alur hanya boleh ditambah.",
                    "Hanya Walidata yang boleh menghapus kegiatan yang sudah memiliki riwayat.",
                )
            )
        return
    if new.error is not None:
        return
    for i, event in enumerate(before):
        if i >= len(after):
            add(
                Finding(
                    "pr-riwayat-dihapus",
                    GALAT,
                    path,
                    f"Peristiwa ke-{i + 1} sampai ke-{len(before)} di alur.riwayat dihapus.",
                    "Kembalikan peristiwa yang dihapus; riwayat hanya boleh ditambah di akhir.",
                    line(),
                )
            )
            break
        if after[i] != event:
            add(
                Finding(
                    "pr-riwayat-diubah",
                    GALAT,
                    path,
                    f"Peristiwa ke-{i + 1} di alur.riwayat (langkah {_step_of(event)}) diubah; peristiwa lama tidak boleh diubah.",
                    "Kembalikan peristiwa ini seperti di cabang dasar. Untuk koreksi, tambahkan peristiwa baru di akhir dengan catatan.",
                    line(i),
                )
            )
    added = list(enumerate(after))[len(before) :]
    if change is not None:
        change.peristiwa = [dict(e) if isinstance(e, Mapping) else {"nilai": e} for _, e in added]
    for i, event in added:
        if not isinstance(event, Mapping):
            continue
        peran, aktor, step = event.get("peran"), event.get("aktor"), _step_of(event)
        if account is None:
            add(
                Finding(
                    "pr-akun-tak-dikenal",
                    GALAT,
                    path,
                    f"Akun '{actor}' tidak terdaftar di roles.yaml, sehingga tidak boleh mencatat langkah {step}.",
                    "Minta Walidata mendaftarkan akun Anda di roles.yaml, atau minta pemegang peran mencatat langkah ini.",
                    line(i),
                )
            )
            continue
        if isinstance(peran, str) and peran not in account.peran:
            add(
                Finding(
                    "pr-peran-aktor",
                    GALAT,
                    path,
                    f"Langkah {step} dicatat dengan peran '{peran}', tetapi akun '{actor}' berperan "
                    f"{account.describe(sop)}.",
                    f"Langkah berperan '{peran}' harus dicatat dalam PR oleh akun berperan '{peran}'. "
                    "Hapus peristiwa ini dari PR Anda.",
                    line(i),
                )
            )
        elif peran == "opd" and opd not in account.opd:
            add(
                Finding(
                    "pr-peran-opd",
                    GALAT,
                    path,
                    f"Akun '{actor}' bukan pengelola OPD '{opd}', sehingga tidak boleh mencatat langkah {step} untuk kegiatannya.",
                    f"Langkah OPD dicatat oleh akun yang di roles.yaml memegang peran opd untuk '{opd}'.",
                    line(i),
                )
            )
        if isinstance(aktor, str) and aktor.casefold() != actor.casefold():
            add(
                Finding(
                    "pr-aktor",
                    GALAT,
                    path,
                    f"Peristiwa langkah {step} mencatat aktor '{aktor}', tetapi PR ini dibuat oleh '{actor}'.",
                    f"Isi aktor dengan akun Anda sendiri ({actor}); peristiwa atas nama orang lain dicatat oleh orang itu.",
                    line(i),
                )
            )
    if content_changed and old.exists and status(old.data, sop).disetujui:
        reopened = any(isinstance(e, Mapping) and e.get("langkah") in sop.siklus_baru for _, e in added)
        if not reopened:
            cycle = " atau ".join(f"{n} ({sop.langkah[n].ringkas})" for n in sop.siklus_baru)
            add(
                Finding(
                    "pr-perlu-siklus-baru",
                    GALAT,
                    path,
                    f"Kegiatan ini sudah disetujui BPS (langkah {sop.disetujui}); PR ini mengubah isi MS-Keg/MS-Var/MS-Ind "
                    "tanpa membuka siklus pemeriksaan baru.",
                    f"Tambahkan langkah {cycle} di PR yang sama, misalnya: satudata langkah "
                    f"{path.rsplit('/', 1)[0]} {sop.siklus_baru[0]} --catatan 'Perubahan …'.",
                    line(),
                )
            )


def _step_of(event) -> str:
    return str(event.get("langkah", "?")) if isinstance(event, Mapping) else "?"


# --- outputs --------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'").replace("<", "&lt;")


def markdown(report: PrReport) -> str:
    """The review summary for the pull request page (``$GITHUB_STEP_SUMMARY``), in Indonesian."""
    sop = report.sop
    who = report.akun.describe(sop) if report.akun else "tidak terdaftar di roles.yaml"
    lines = [
        "## Ringkasan perubahan metadata",
        "",
        f"Diajukan oleh `{_cell(report.aktor)}` ({who}); basis `{report.base[:10]}`, kepala `{report.head[:10]}`.",
        "",
    ]
    if not report.perubahan:
        lines += ["Tidak ada perubahan rekaman metadata.", ""]
    for change in report.perubahan:
        lines += [f"### {change.formulir}: `{_cell(change.berkas)}` ({change.status})", ""]
        if change.bidang:
            lines += ["| Isian | Sebelum | Sesudah |", "| --- | --- | --- |"]
            lines += [f"| {_cell(label)} | {_cell(old)} | {_cell(new)} |" for _, label, old, new in change.bidang]
            lines.append("")
        for event in change.peristiwa:
            step = sop.step(event.get("langkah"))
            name = step.label() if step else f"langkah {event.get('langkah')}"
            role = sop.short_role(str(event.get("peran", "?")))
            note = f": {_cell(_short(event['catatan']))}" if event.get("catatan") else ""
            lines.append(
                f"- Langkah SOP baru **{_cell(name)}** oleh {role} `{_cell(event.get('aktor', '?'))}`, "
                f"{_cell(event.get('waktu', '?'))}{note}"
            )
        if change.peristiwa:
            lines.append("")
    errors = [f for f in report.temuan if f.is_error]
    lines += ["## Hasil pemeriksaan PR", ""]
    if not report.temuan:
        lines.append("Tidak ada pelanggaran aturan alur dan peran.")
    else:
        lines.append(f"{len(errors)} galat, {len(report.temuan) - len(errors)} peringatan.")
        lines.append("")
        for f in report.temuan:
            lines.append(
                f"- **{f.tingkat.upper()}** `{_cell(f.where())}` [{f.kode}] {_cell(f.pesan)} Perbaikan: {_cell(f.saran)}"
            )
    return "\n".join(lines) + "\n"
