"""``.github/CODEOWNERS`` from the catalog: Walidata owns everything, each OPD folder also its pengelola."""

from __future__ import annotations

from ..contract.roles import LOGIN, Roles
from ..read.catalog import Catalog

CODEOWNERS_FILE = ".github/CODEOWNERS"


def codeowners(catalog: Catalog, roles: Roles) -> str:
    """``.github/CODEOWNERS``: the Walidata team(s) own everything; each OPD folder also its pengelola."""
    team = [f"@{t}" for t in roles.tim_walidata]
    lines = [
        "# Dibuat oleh `satudata codeowners` dari metadata/*/opd.yaml (isian pengelola) dan",
        "# roles.yaml (tim_walidata). Jangan disunting manual: ubah sumbernya, lalu jalankan ulang.",
        "",
    ]
    if team:
        lines.append(f"* {' '.join(team)}")
    for opd in sorted(catalog.of("opd"), key=lambda r: r.opd):
        managers = opd.data.get("pengelola")
        owners = (
            [f"@{m}" for m in managers if isinstance(m, str) and LOGIN.fullmatch(m)]
            if isinstance(managers, list)
            else []
        )
        owners += [t for t in team if t not in owners]
        if owners:
            lines.append(f"/metadata/{opd.opd}/ {' '.join(owners)}")
    return "\n".join(lines) + "\n"
