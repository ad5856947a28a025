"""Who may say what: ``roles.yaml`` maps GitHub accounts to SOP roles.

``roles.yaml`` at the catalog root::

    tim_walidata: [walidata-pasuruan]      # reviewers of everything (CODEOWNERS)
    akun:
      walidata-pasuruan: {peran: [walidata]}
      bps-kab-pasuruan: {peran: [bps]}
      dinkes-pasuruan: {peran: [opd], opd: [dinkes], email: [statistik.dinkes@pasuruankab.go.id]}

A commit's author is an account when its e-mail is one of the account's ``email`` or the
account's GitHub noreply address (``ID+login@users.noreply.github.com`` or
``login@users.noreply.github.com``), which GitHub uses for commits made in its web editor and
for everyone who keeps their e-mail private.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..sop.definition import Sop

ROLES_FILE = "roles.yaml"
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
NOREPLY = re.compile(r"(?:\d+\+)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))@users\.noreply\.github\.com", re.IGNORECASE)


@dataclass(frozen=True)
class Account:
    login: str
    peran: tuple[str, ...]
    opd: tuple[str, ...]
    email: tuple[str, ...] = ()

    def describe(self, sop: Sop) -> str:
        roles = ", ".join(sop.short_role(p) for p in self.peran) or "tanpa peran"
        return roles + (f" (OPD: {', '.join(self.opd)})" if self.opd else "")


@dataclass(frozen=True)
class Roles:
    akun: dict[str, Account] = field(default_factory=dict)  # login.casefold() → account
    tim_walidata: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data) -> Roles:
        """Build from loaded roles.yaml data, skipping malformed entries (validate reports them)."""
        if not isinstance(data, Mapping):
            return cls()
        accounts = {}
        raw = data.get("akun")
        for login, entry in raw.items() if isinstance(raw, Mapping) else []:
            if not isinstance(login, str) or not isinstance(entry, Mapping):
                continue
            peran, opd, email = entry.get("peran"), entry.get("opd"), entry.get("email")
            accounts[login.casefold()] = Account(
                login,
                tuple(p for p in peran if isinstance(p, str)) if isinstance(peran, list) else (),
                tuple(o for o in opd if isinstance(o, str)) if isinstance(opd, list) else (),
                tuple(e for e in email if isinstance(e, str)) if isinstance(email, list) else (),
            )
        teams = data.get("tim_walidata")
        teams = tuple(t for t in teams if isinstance(t, str)) if isinstance(teams, list) else ()
        return cls(accounts, teams)

    def get(self, login: str) -> Account | None:
        return self.akun.get(login.casefold())

    def by_email(self, email: str) -> Account | None:
        """The account a commit author's e-mail belongs to (listed, or its GitHub noreply address)."""
        folded = email.strip().casefold()
        for account in self.akun.values():
            if folded in (e.casefold() for e in account.email):
                return account
        match = NOREPLY.fullmatch(email.strip())
        return self.get(match.group(1)) if match else None
