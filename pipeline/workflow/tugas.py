"""Who must act: the accounts behind each waiting SOP step, the deadline in working time, and the
one GitHub issue per overdue step that a scheduled workflow keeps (``satudata isu-terlambat``).

The accounts of a step are those that hold its performer's role in ``roles.yaml``; for the OPD
role, only the accounts of the activity's own OPD (``roles.yaml`` and the ``pengelola`` of its
``opd.yaml``). The issue decisions are a pure function of the status (``satudata status --format
json``) and the open issues as GitHub's REST API lists them, so they are tested without GitHub; the
workflow only applies them with ``gh``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..contract.roles import Roles
from ..read.catalog import Catalog
from ..sop.definition import Sop
from ..sop.worktime import WorkingTime

LABEL = "terlambat"
MARK = re.compile(r"<!-- satudata:terlambat kegiatan=([a-z0-9/-]+) langkah=(\d+) -->")


def add_working_minutes(jam: WorkingTime, start: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` working minutes after ``start`` (the inverse of ``working_minutes``)."""
    moment = start.astimezone(jam.zone)
    left = max(0, int(minutes))
    while True:
        day = moment.date()
        opens = datetime.combine(day, jam.start, jam.zone)
        closes = datetime.combine(day, jam.end, jam.zone)
        if jam.is_working_day(day) and moment < closes:
            moment = max(moment, opens)
            room = int((closes - moment).total_seconds() // 60)
            if left <= room:
                return moment + timedelta(minutes=left)
            left -= room
        moment = datetime.combine(day + timedelta(days=1), jam.start, jam.zone)


def accounts(step_roles, opd: str, roles: Roles, catalog: Catalog | None) -> list[str]:
    """The logins that must act for a step performed by ``step_roles`` in an activity of ``opd``."""
    out: list[str] = []
    for role in step_roles:
        for account in roles.akun.values():
            if role in account.peran and (role != "opd" or opd in account.opd):
                out.append(account.login)
        if role == "opd" and catalog is not None:
            record = catalog.get("opd", opd)
            managers = record.data.get("pengelola") if record is not None else None
            out += [m for m in managers if isinstance(m, str)] if isinstance(managers, list) else []
    seen: dict[str, str] = {}
    for login in out:
        seen.setdefault(login.casefold(), login)
    return sorted(seen.values(), key=str.casefold)


def annotate(rows: list[dict], sop: Sop, roles: Roles, catalog: Catalog | None) -> None:
    """Add to each waiting step of ``satudata status`` rows its accounts (``akun``) and deadline (``tenggat``)."""
    from ..sop.state import parse_time

    for row in rows:
        opd = row["kegiatan"].split("/")[0]
        since = parse_time(row.get("waktu_terakhir"))
        for wait in row["menunggu"]:
            wait["akun"] = accounts(wait["pelaksana"], opd, roles, catalog)
            due = add_working_minutes(sop.jam_kerja, since, wait["baku_menit"]) if since is not None else None
            wait["tenggat"] = due.isoformat() if due is not None else None


def waiting_for(rows: list[dict], login: str) -> list[tuple[dict, dict]]:
    """(activity row, waiting step) pairs where ``login`` is one of the accounts that must act."""
    key = login.casefold()
    return [(row, wait) for row in rows for wait in row["menunggu"] if key in {a.casefold() for a in wait["akun"]}]


# --- one issue per overdue step --------------------------------------------------------------


def _md(text: str) -> str:
    from .komentar import inert

    return inert(str(text))


def _wanted(status: dict) -> dict[tuple[str, int], dict]:
    out = {}
    for row in status.get("kegiatan", []):
        if not row.get("terlambat"):
            continue
        for wait in row["menunggu"]:
            if wait.get("baku_menit") is None or (row.get("berjalan_menit") or 0) <= wait["baku_menit"]:
                continue
            key = (row["kegiatan"], int(wait["langkah"]))
            title = f"Terlambat: langkah {wait['langkah']} ({wait['nama']}) — {row['kegiatan']}"
            who = ", ".join(f"@{a}" for a in wait["akun"]) or "(belum ada akun di roles.yaml)"
            body = "\n".join([
                f"<!-- satudata:terlambat kegiatan={row['kegiatan']} langkah={wait['langkah']} -->",
                f"**{_md(row.get('judul') or row['kegiatan'])}** (`{_md(row['berkas'])}`) menunggu langkah "
                f"**{wait['langkah']} {_md(wait['nama'])}** sejak {_md(row.get('waktu_terakhir') or '-')}.",
                "",
                f"- Waktu baku: {_md(wait['waktu_baku'])}; sudah berjalan {_md(row.get('berjalan') or '-')} (jam kerja).",
                f"- Tenggat: {_md(wait.get('tenggat') or '-')}.",
                f"- Harus bertindak: {who}.",
                "",
                "Isu ini dibuat dan ditutup otomatis oleh alur kerja *Tenggat SOP* setelah langkahnya tercatat.",
            ])  # fmt: skip
            out[key] = {"judul": title[:250], "isi": body, "penerima": sorted(wait["akun"], key=str.casefold)[:10]}
    return out


def issue_actions(status: dict, issues: list[dict], bot: str = "github-actions[bot]") -> list[dict]:
    """The create/update/close actions that make the open issues match the overdue steps.

    ``issues`` are open issues as GitHub's REST API returns them; only those labelled
    :data:`LABEL`, opened by ``bot`` and carrying the marker are ours (anyone may write the marker).
    """
    wanted = _wanted(status)
    ours: dict[tuple[str, int], list[dict]] = {}
    for issue in issues:
        if "pull_request" in issue or issue.get("state", "open") != "open":
            continue
        if (issue.get("user") or {}).get("login") != bot:
            continue
        if LABEL not in {(lbl or {}).get("name") for lbl in issue.get("labels") or []}:
            continue
        found = MARK.search(issue.get("body") or "")
        if found:
            ours.setdefault((found.group(1), int(found.group(2))), []).append(issue)
    actions = []
    for key in sorted(set(wanted) | set(ours)):
        mine = sorted(ours.get(key, []), key=lambda i: i["number"])
        want = wanted.get(key)
        extra = mine[1:] if want else mine
        if want and not mine:
            actions.append({"aksi": "buat", "label": LABEL, **want})
        elif want:
            issue = mine[0]
            assignees = sorted((a["login"] for a in issue.get("assignees") or []), key=str.casefold)
            if issue.get("title") != want["judul"] or issue.get("body") != want["isi"] or assignees != want["penerima"]:
                actions.append({"aksi": "perbarui", "nomor": issue["number"], **want})
        for issue in extra:
            note = "Langkah ini sudah tercatat (atau kegiatan tidak lagi terlambat); isu ditutup otomatis."
            if want:
                note = f"Duplikat #{mine[0]['number']}; ditutup otomatis."
            actions.append({"aksi": "tutup", "nomor": issue["number"], "komentar": note})
    return actions
