"""roles.yaml → findings: its schema, and its references to the catalog's OPDs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..codes import GALAT, Finding
from ..contract.roles import ROLES_FILE, Roles
from ..read.catalog import Record
from ..read.loader import LoadError, load
from .messages import schema_findings

if TYPE_CHECKING:
    from ..contract.schema import Schemas
    from .groups import Lookup


def roles_findings(lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """roles.yaml, if the catalog has one: its schema, then its references to OPDs."""
    record, problem = roles_record(lookup.root)
    if problem is not None:
        return [problem]
    if record is None:
        return []
    if not isinstance(record.doc.data, dict):
        return [
            Finding(
                "yaml-bukan-objek",
                GALAT,
                record.path,
                "Isi roles.yaml bukan kumpulan isian.",
                "Lihat contoh di docs/alur-sop.md.",
                1,
            )
        ]
    out = schema_findings(record, schemas.roles)
    return out or roles_cross_findings(record, lookup)


def roles_record(root: Path) -> tuple[Record | None, Finding | None]:
    """roles.yaml of a catalog as a record (None if the catalog has none), or a load finding."""
    path = Path(root) / ROLES_FILE
    if not path.is_file():
        return None, None
    record = Record("peran", "roles", ROLES_FILE)
    try:
        record.doc = load(path)
    except LoadError as exc:
        return None, Finding(exc.kode, GALAT, ROLES_FILE, exc.pesan, exc.saran, exc.baris)
    return record, None


def roles_cross_findings(record: Record, catalog: Lookup) -> list[Finding]:
    """roles.yaml against the catalog: OPD slugs exist; every opd.yaml pengelola holds the opd role."""
    out = []
    roles = Roles.from_data(record.data)
    known = {r.opd for r in catalog.of("opd")}
    for account in roles.akun.values():
        for i, slug in enumerate(account.opd):
            if slug not in known:
                out.append(
                    Finding(
                        "peran-opd-tak-dikenal",
                        GALAT,
                        ROLES_FILE,
                        f"Akun '{account.login}' diberi peran untuk OPD '{slug}', tetapi folder metadata/{slug}/ tidak ada.",
                        "Tulis slug folder OPD (nama folder di bawah metadata/), misalnya dinkes.",
                        record.line(("akun", account.login, "opd", i)),
                    )
                )
    for opd in sorted(catalog.of("opd"), key=lambda r: r.opd):
        managers = opd.data.get("pengelola")
        for i, login in enumerate(managers if isinstance(managers, list) else []):
            if not isinstance(login, str):
                continue
            account = roles.get(login)
            if account is None or "opd" not in account.peran or opd.opd not in account.opd:
                out.append(
                    Finding(
                        "peran-pengelola",
                        "peringatan",
                        opd.path,
                        f"Pengelola '{login}' belum memegang peran opd untuk '{opd.opd}' di roles.yaml, "
                        "sehingga langkah SOP yang dicatatnya akan ditolak saat PR.",
                        f"Tambahkan di roles.yaml: akun: {{{login}: {{peran: [opd], opd: [{opd.opd}]}}}}.",
                        opd.line(("pengelola", i)),
                    )
                )
    return out
