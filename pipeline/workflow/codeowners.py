"""``.github/CODEOWNERS`` from the catalog: Walidata owns everything, each OPD folder also its own accounts.

GitHub reads CODEOWNERS so: the *last* line whose pattern matches a file names its owners, and
"require review from code owners" is met for that file by an approving review of *any one* of
them (the author's own never counts). CODEOWNERS can therefore say "A or B", never "A and B".
So every line lists the Walidata team — the catch-all ``*`` line for rule files, workflows and
docs, and each OPD folder's line after the OPD's own accounts — and an account of another OPD
is an owner of nothing outside its folder: one OPD can never approve another OPD's changes.
That Walidata must approve *every* PR, as well as the OPD, is not CODEOWNERS' to say: the
ruleset's ``required_reviewers`` (Walidata team on ``*``, organisation repositories only) and the
SOP itself (an activity is public only after Walidata's step 8 and BPS's step 11, recorded from
their own reviews) do that; see docs/panduan/admin.md.

An OPD folder's owners are the accounts that hold the ``opd`` role for it in roles.yaml, those
listed as ``pengelola`` in its opd.yaml first: a ``pengelola`` without that role owns nothing.
"""

from __future__ import annotations

from ..contract.roles import LOGIN, Roles
from ..read.catalog import Catalog

CODEOWNERS_FILE = ".github/CODEOWNERS"


def codeowners(catalog: Catalog, roles: Roles) -> str:
    """``.github/CODEOWNERS``: the Walidata team(s) own everything; each OPD folder also its own accounts."""
    team = [f"@{t}" for t in roles.tim_walidata]
    lines = [
        "# Dibuat oleh `satudata codeowners` dari roles.yaml (tim_walidata; akun berperan opd untuk setiap OPD)",
        "# dan metadata/*/opd.yaml (pengelola). Jangan disunting manual: ubah sumbernya, lalu jalankan ulang.",
        "# GitHub memakai baris terakhir yang cocok; satu persetujuan dari salah satu pemilik di baris itu cukup.",
        "",
    ]
    if team:
        lines.append(f"* {' '.join(team)}")
    for opd in sorted(catalog.of("opd"), key=lambda r: r.opd):
        holders = [a.login for a in roles.akun.values() if "opd" in a.peran and opd.opd in a.opd]
        folded = {h.casefold(): h for h in holders}
        managers = opd.data.get("pengelola")
        listed = (
            [m for m in managers if isinstance(m, str) and LOGIN.fullmatch(m)] if isinstance(managers, list) else []
        )
        accounts = [folded[m.casefold()] for m in listed if m.casefold() in folded]
        accounts += [h for h in holders if h not in accounts]
        owners = [f"@{a}" for a in accounts] + [
            t for t in team if t.casefold() not in {f"@{a}".casefold() for a in accounts}
        ]
        if owners:
            lines.append(f"/metadata/{opd.opd}/ {' '.join(owners)}")
    return "\n".join(lines) + "\n"
