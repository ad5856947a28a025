"""``satudata opd tambah``: a new OPD and its accounts, in ``opd.yaml``, ``roles.yaml`` and CODEOWNERS at once.

Every file is planned and checked first: the new ``opd.yaml`` against its schema and code lists,
``roles.yaml`` (edited in place, comments kept) against its schema and against the catalog with the
new OPD, and CODEOWNERS generated from both. Then all are written, or none: each is written to a
temporary file beside its target and moved into place; if a move fails, the ones already moved are
put back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..check.messages import schema_findings
from ..check.records import codelist_findings
from ..check.rootfiles import roles_cross_findings
from ..codes import Finding, finding
from ..contract.roles import LOGIN, ROLES_FILE, Roles
from ..contract.schema import Schemas
from ..edit.records import WriteError, new_text, updated_text
from ..layout import METADATA, OPD_FILE, SLUG
from ..read.catalog import Record, load_catalog
from ..read.loader import Document, LoadError, decode, load, parse
from .codeowners import CODEOWNERS_FILE, codeowners
from .salin import operations


@dataclass
class Onboarding:
    slug: str
    files: dict[str, str] = field(default_factory=dict)  # catalog path → text
    findings: list[Finding] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # accounts new in roles.yaml
    extended: list[str] = field(default_factory=list)  # accounts that got this OPD too


def _roles_data(root: Path) -> tuple[str, dict]:
    path = root / ROLES_FILE
    if not path.is_file():
        return "", {"tim_walidata": [], "akun": {}}
    text = decode(path.read_bytes())
    data = parse(text).data
    return text, data if isinstance(data, dict) else {}


def plan_opd(root: Path, slug: str, fields: dict, accounts: list[str]) -> Onboarding:
    """What adding OPD ``slug`` (``fields`` of opd.yaml) managed by ``accounts`` would write."""
    root = Path(root)
    plan = Onboarding(slug)
    opd_path = f"{METADATA}/{slug}/{OPD_FILE}"
    schemas = Schemas.find(root)
    if not SLUG.fullmatch(slug):
        plan.findings.append(
            finding(
                "slug-tidak-sah",
                f"{METADATA}/{slug}",
                f"'{slug}' bukan slug folder OPD.",
                "Pakai huruf kecil, angka dan tanda hubung, misalnya dinsos.",
            )  # fmt: skip
        )
        return plan
    if (root / METADATA / slug).exists():
        plan.findings.append(finding("opd-sudah-ada", opd_path, f"Folder {METADATA}/{slug}/ sudah ada."))
        return plan
    for login in accounts:
        if not LOGIN.fullmatch(login):
            plan.findings.append(
                finding(
                    "opd-isian",
                    ROLES_FILE,
                    f"'{login}' bukan nama akun GitHub.",
                    "Nama akun GitHub: huruf, angka dan tanda hubung, paling banyak 39 karakter, tanpa @.",
                )  # fmt: skip
            )
    data = {k: v for k, v in fields.items() if v not in (None, "")} | {"pengelola": list(dict.fromkeys(accounts))}
    record = Record("opd", slug, opd_path, Document(data, {}))
    plan.findings += schema_findings(record, schemas["opd"]) + codelist_findings(record, schemas["opd"], schemas)
    try:
        text, roles = _roles_data(root)
    except LoadError as exc:
        plan.findings.append(Finding(exc.kode, "galat", ROLES_FILE, exc.pesan, exc.saran, exc.baris))
        return plan
    new_roles = _with_accounts(plan, roles, slug, accounts)
    if plan.findings:
        return plan
    catalog = load_catalog(root)
    catalog.add(record)
    roles_record = Record("peran", ROLES_FILE, ROLES_FILE, Document(new_roles, {}))
    plan.findings += [f for f in schema_findings(roles_record, schemas.roles) if f.is_error]
    plan.findings += [f for f in roles_cross_findings(roles_record, catalog) if f.is_error or f.berkas == opd_path]
    if plan.findings:
        return plan
    try:
        plan.files[opd_path] = new_text(data)
        if text:
            plan.files[ROLES_FILE] = updated_text(text, operations(roles, new_roles), new_roles, lambda path: [])
        else:
            plan.files[ROLES_FILE] = new_text(new_roles)
    except (WriteError, LoadError) as exc:
        plan.findings.append(
            finding("sunting-gagal", ROLES_FILE, f"roles.yaml tidak dapat ditulis dengan aman: {exc}.")
        )
        return plan
    plan.files[CODEOWNERS_FILE] = codeowners(catalog, Roles.from_data(new_roles))
    return plan


def _with_accounts(plan: Onboarding, roles: dict, slug: str, accounts: list[str]) -> dict:
    """roles.yaml data with each account holding role opd for ``slug`` (new accounts last)."""
    new = {k: v for k, v in roles.items()}
    akun = dict(new.get("akun") or {})
    known = {login.casefold(): login for login in akun}
    for login in dict.fromkeys(accounts):
        entry = akun.get(known.get(login.casefold(), login))
        if entry is None:
            akun[login] = {"peran": ["opd"], "opd": [slug]}
            plan.added.append(login)
            continue
        peran = entry.get("peran") if isinstance(entry.get("peran"), list) else []
        if set(peran) - {"opd"}:
            plan.findings.append(
                finding(
                    "opd-akun-peran",
                    ROLES_FILE,
                    f"Akun '{login}' di roles.yaml berperan {', '.join(map(str, peran))}, bukan OPD.",
                )  # fmt: skip
            )
            continue
        opds = entry.get("opd") if isinstance(entry.get("opd"), list) else []
        akun[known[login.casefold()]] = {**entry, "peran": peran or ["opd"], "opd": [*opds, slug]}
        plan.extended.append(known[login.casefold()])
    new["akun"] = akun
    return new


def write_all(root: Path, files: dict[str, str]) -> None:
    """Write every file or none; raises OSError after putting back what was already replaced."""
    root = Path(root)
    staged: list[tuple[Path, Path, bytes | None]] = []
    try:
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.satudata-tmp")
            tmp.write_text(text, encoding="utf-8", newline="")
            staged.append((target, tmp, target.read_bytes() if target.exists() else None))
    except OSError:
        for _, tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    done: list[tuple[Path, bytes | None]] = []
    try:
        for target, tmp, old in staged:
            os.replace(tmp, target)
            done.append((target, old))
    except OSError:
        for target, old in reversed(done):
            if old is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(old)
        for _, tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise


def opd_record(root: Path, slug: str) -> Record | None:
    path = Path(root) / METADATA / slug / OPD_FILE
    try:
        return Record("opd", slug, f"{METADATA}/{slug}/{OPD_FILE}", load(path))
    except (LoadError, OSError):
        return None
