"""The catalog's root files → findings: ``roles.yaml`` and ``katalog.yaml``, each against its schema,
and roles.yaml against the catalog's OPDs."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..codes import GALAT, Finding, finding
from ..contract.config import CONFIG_FILE
from ..contract.roles import ROLES_FILE, Roles
from ..layout import TRANSACTION_JOURNAL
from ..read.catalog import Record
from ..read.loader import LoadError, load
from .messages import schema_findings

if TYPE_CHECKING:
    from ..contract.schema import RecordSchema, Schemas
    from .groups import Lookup


def root_findings(lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """Findings about roles.yaml and katalog.yaml (a catalog without katalog.yaml is warned)."""
    out = roles_findings(lookup, schemas)
    record, problems = root_record(lookup.root, CONFIG_FILE, schemas.config)
    if record is None and not problems:
        out.append(
            finding(
                "katalog-identitas-tidak-ada",
                CONFIG_FILE,
                "Katalog ini belum memiliki katalog.yaml (pemda, Walidata, alamat portal, lisensi).",
                "Buat katalog.yaml di akar katalog; contoh dan penjelasan isian ada di schemas/katalog.schema.json.",
            )
        )
    if (Path(lookup.root) / TRANSACTION_JOURNAL).is_file():
        out.append(
            finding(
                "impor-terputus",
                TRANSACTION_JOURNAL,
                "Impor Excel terakhir terhenti di tengah penulisan; sebagian berkas di metadata/ mungkin sudah berubah.",
                "Jalankan: satudata import --pulihkan — katalog kembali persis seperti sebelum impor itu.",
            )
        )
    return out + problems + local_code_findings(schemas)


def _same(column: str, a: str, b: str) -> bool:
    """Local and published values agree (names ignore case, punctuation and 'Kabupaten'/'KAB.';
    Kemendagri codes ignore the dots)."""
    if column.startswith("nama"):
        a, b = (re.sub(r"^(kabupaten|kab|kota)\b", "", re.sub(r"[^a-z0-9 ]", "", v.casefold()).strip()) for v in (a, b))
        a, b = a.replace(" ", ""), b.replace(" ", "")
    elif column.startswith("kode"):
        a, b = a.replace(".", ""), b.replace(".", "")
    return a == b


def local_code_findings(schemas: Schemas) -> list[Finding]:
    """A catalog's own code-list rows (``"x-menimpa"`` in the data package): a row that says something
    else than the published row it replaces is warned, a row whose parent is unknown is an error."""
    if not schemas.has_local_codes():
        return []
    out = []
    for cl in schemas.codelists.values():
        for line, row in enumerate(cl.local, start=2):
            code = row.get(cl.key)
            old = cl.replaced.get(code)
            if old is not None and cl.lookup().get(code) is row:
                differ = [c for c in row if c in old and not _same(c, row[c] or "", old[c] or "")]
                if differ:
                    out.append(
                        finding(
                            "kode-lokal-beda",
                            cl.local_path,
                            f"Baris lokal kode {code} menimpa daftar nasional ({cl.path}) dengan isi yang berbeda: "
                            + "; ".join(f"{c} '{row[c]}' (nasional '{old[c]}')" for c in differ)
                            + ". Baris lokal yang dipakai.",
                            baris=line,
                        )
                    )
            parent = row.get("induk")
            if parent and parent not in cl.lookup():
                out.append(
                    finding(
                        "kode-lokal-induk",
                        cl.local_path,
                        f"Baris lokal kode {code}: kode induk '{parent}' tidak ada di daftar {cl.title}.",
                        baris=line,
                    )
                )
    return out


def roles_findings(lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """roles.yaml, if the catalog has one: its schema, then its references to OPDs."""
    record, problems = root_record(lookup.root, ROLES_FILE, schemas.roles)
    if record is None or problems:
        return problems
    return roles_cross_findings(record, lookup)


def root_record(root: Path, name: str, rs: RecordSchema) -> tuple[Record | None, list[Finding]]:
    """A root file as a record (None if the catalog has none) and its load and schema findings."""
    path = Path(root) / name
    if not path.is_file():
        return None, []
    record = Record(rs.kind, name, name)
    try:
        record.doc = load(path)
    except LoadError as exc:
        return None, [Finding(exc.kode, GALAT, name, exc.pesan, exc.saran, exc.baris)]
    if not isinstance(record.doc.data, dict):
        return None, [finding("yaml-bukan-objek", name, f"Isi {name} bukan kumpulan isian 'nama: nilai'.", baris=1)]
    return record, schema_findings(record, rs)


def roles_record(root: Path, schemas: Schemas) -> tuple[Record | None, list[Finding]]:
    return root_record(root, ROLES_FILE, schemas.roles)


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
                        _unknown_opd_hint(slug, known),
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


def _unknown_opd_hint(slug: str, known: set[str]) -> str:
    """A slug close to an existing OPD folder is a typo; any other is an OPD not added yet."""
    close = difflib.get_close_matches(slug, sorted(known), n=1, cutoff=0.8)
    if close:
        return f"Mungkin maksud Anda '{close[0]}' (folder metadata/{close[0]}/)? Slug OPD yang ada: {', '.join(sorted(known))}."
    return (
        f"Jika '{slug}' OPD baru, tambahkan OPD dan akunnya sekaligus: satudata opd tambah {slug} --nama … "
        "--singkatan … --alamat … --email … --akun AKUN (menulis opd.yaml, roles.yaml dan CODEOWNERS). "
        f"Slug OPD yang ada: {', '.join(sorted(known)) or '-'}."
    )
