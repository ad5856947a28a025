"""Records → findings: schema rules, code lists and cross-record integrity.

Schema errors are translated into Indonesian using the schema itself: the failing field's
``title`` and ``x-nomor``, and for cross-field rules the ``x-pesan``/``x-saran`` of the rule
(``allOf`` item with ``x-aturan``) that failed. Only integrity checks that a JSON Schema
cannot express (references between files, dates, cycles) are written here in Python.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .alur import alur_findings
from .catalog import Catalog, Record, data_at, resolve_ref
from .datapkg import data_findings
from .findings import GALAT, PERINGATAN, Finding
from .pr import roles_cross_findings, roles_record
from .schema import RecordSchema, Schemas

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

TYPE_WORDS = {
    "string": "teks",
    "integer": "bilangan bulat",
    "number": "angka",
    "array": "daftar",
    "object": "kumpulan isian",
    "boolean": "Ya/Tidak",
    "null": "kosong",
}
TITLE_PREFIXES = ("jumlah", "laporan", "database", "data ", "belanja")


def check(catalog: Catalog, schemas: Schemas) -> list[Finding]:
    """All findings for a loaded catalog, sorted by file and line."""
    findings = list(catalog.findings)
    for record in catalog.records.values():
        findings.extend(record_findings(record, schemas))
    findings.extend(cross_findings(catalog, schemas))
    return finish(findings)


def finish(findings) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)


def record_findings(record: Record, schemas: Schemas) -> list[Finding]:
    """Findings that depend on this one file only (so they can be cached per file)."""
    if record.doc is None or not isinstance(record.doc.data, dict):
        return []
    rs = schemas[record.kind]
    out = schema_findings(record, rs)
    out.extend(codelist_findings(record, rs, schemas))
    if record.kind == "kegiatan":
        out.extend(activity_findings(record, rs))
        out.extend(alur_findings(record, rs, schemas.sop))
    return out


# What the checks across records read from each record. A cached record keeps only these
# parts; tests compare cached and full validation to keep this list true.
CROSS_FIELDS = {
    "opd": [("pengelola",)],
    "kegiatan": [("judul_kegiatan",), ("tahun",), ("perencanaan", "variabel_dikumpulkan")],
    "variabel": [("nama",), ("definisi",), ("tipe_data",), ("klasifikasi_isian",), ("klasifikasi_referensi",)],
    "indikator": [("nama",), ("definisi",), ("kegiatan_penghasil",), ("variabel_pembangun",), ("indikator_pembangun",)],
}


def cross_data(kind: str, data) -> dict:
    """The parts of a record's data that the checks across records read (``CROSS_FIELDS``)."""
    out: dict = {}
    if not isinstance(data, dict):
        return out
    for path in CROSS_FIELDS.get(kind, []):
        src, dst = data, out
        for part in path[:-1]:
            src = src.get(part) if isinstance(src, dict) else None
            if not isinstance(src, dict):
                break
            dst = dst.setdefault(part, {})
        else:
            if path[-1] in src:
                dst[path[-1]] = src[path[-1]]
    return out


class Lookup(Protocol):
    """What a group check may ask about the rest of the catalog: a loaded :class:`Catalog`,
    or the validation cache (engine.py) answering from its index."""

    root: Path

    def exists(self, kind: str, ident: str) -> bool: ...

    def children(self, activity: str, kind: str) -> list[Record]: ...

    def of(self, kind: str) -> list[Record]: ...


def cross_findings(catalog: Catalog, schemas: Schemas) -> list[Finding]:
    """Findings that compare records with each other, for a whole loaded catalog."""
    out = [f for found in all_group_findings(catalog, schemas).values() for f in found]
    out.extend(roles_findings(catalog, schemas))
    return out


def all_group_findings(catalog: Catalog, schemas: Schemas) -> dict[str, list[Finding]]:
    """Every group of the catalog → its findings."""
    groups: dict[str, list[Record]] = {}
    for record in catalog.records.values():
        for key in group_keys(record.kind, record.ident, record.data):
            groups.setdefault(key, []).append(record)
    return {
        key: group_findings(key, members, catalog, schemas)
        for key, members in groups.items()
        if worth_evaluating(key, len(members))
    }


# --- checks across records, by group ----------------------------------------------------------
# Every check across records looks at one group of records that share a key computed from each
# record's own data: an activity, a title, a set of significant words, a referenced record, the
# graph of composite indicators. A change to a file can only alter the findings of the groups
# its old and new versions belong to (``affected_keys``), which lets the cache re-check just
# those groups. Keys are text: a kind of group, then its parts, separated by NUL.

SEP = "\0"
ACTIVITY_GROUP = f"kegiatan{SEP}"


def worth_evaluating(key: str, size: int) -> bool:
    """A title or set of words held by one record alone has nothing to be compared with."""
    return size > 1 or not key.startswith(("judul", "mirip"))


def group_keys(kind: str, ident: str, data: dict) -> list[str]:
    """The groups a record belongs to."""
    if kind == "opd":
        return []
    activity = "/".join(ident.split("/")[:2])
    keys = [ACTIVITY_GROUP + activity]
    if kind == "kegiatan":
        title = data.get("judul_kegiatan")
        if isinstance(title, str):
            norm = re.sub(r"\s+", " ", title.strip().lower())
            keys.append(f"judul{SEP}{ident.split('/')[0]}{SEP}{data.get('tahun')!r}{SEP}{norm}")
    for key, limit in SIMILAR[kind]:
        text = data.get(key)
        words = similarity_key(text, limit) if isinstance(text, str) else None
        if words is not None:
            keys.append(f"mirip{SEP}{kind}{SEP}{key}{SEP}{' '.join(sorted(words))}")
    if kind == "indikator":
        for target_kind, _i, _ref, target in _references(ident, data):
            keys.append(f"rujukan{SEP}{target_kind}{SEP}{_folder(target)}")
        if isinstance(data.get("indikator_pembangun"), list):
            keys.append("siklus")
    return list(dict.fromkeys(keys))


def affected_keys(kind: str, ident: str, data: dict) -> list[str]:
    """The groups whose findings may change when this record appears, changes or disappears:
    its own groups, the references into its activity (they ask whether it exists, and draw
    their 'did you mean' from the activity), the composite graph."""
    keys = group_keys(kind, ident, data)
    if kind in ("variabel", "indikator"):
        keys.append(f"rujukan{SEP}{kind}{SEP}{_folder(ident)}")
    if kind == "indikator":
        keys.append("siklus")
    return keys


def _folder(ident: str) -> str:
    """The activity a variable or indicator identity points into."""
    return ident.rsplit("/", 1)[0]


# Names and definitions compared across OPDs: (field, number of leading words compared)
SIMILAR = {
    "opd": [],
    "kegiatan": [("judul_kegiatan", None)],
    "variabel": [("nama", None), ("definisi", 12)],
    "indikator": [("nama", None), ("definisi", 12)],
}


def _references(ident: str, data: dict) -> Iterable[tuple[str, int, str, str]]:
    """(kind, index, reference as written, record it names) for each building block of an indicator.
    Variables are checked only when the indicator is built in this catalog (no 'kegiatan_penghasil')."""
    home = "/".join(ident.split("/")[:2])
    fields = [("indikator", "indikator_pembangun")]
    if "kegiatan_penghasil" not in data:
        fields.insert(0, ("variabel", "variabel_pembangun"))
    for kind, key in fields:
        refs = data.get(key)
        for i, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, str):
                yield kind, i, ref, resolve_ref(ref, home)


def group_findings(key: str, members: list[Record], lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """The findings of one group, given all its members."""
    kind, _, rest = key.partition(SEP)
    members = sorted(members, key=lambda r: r.path)
    if kind == "kegiatan":
        return activity_group_findings(members, lookup, schemas)
    if kind == "judul":
        return [
            _at(rec, schemas["kegiatan"], ("judul_kegiatan",), "judul-ganda",
                f"Judul kegiatan sama dengan {members[0].path} pada tahun yang sama.",
                "Satu kegiatan statistik hanya dilaporkan sekali per tahun; gabungkan kedua folder.")
            for rec in members[1:]
        ]  # fmt: skip
    if kind == "mirip":
        return duplicate_findings(rest.split(SEP)[1], members, schemas)
    if kind == "rujukan":
        target_kind, _, folder = rest.partition(SEP)
        return reference_findings(target_kind, folder, members, lookup, schemas)
    if kind == "siklus":
        return cycle_findings(members, lookup, schemas)
    raise ValueError(key)


# Words that say nothing about *what* is measured; left out when comparing names.
STOPWORDS = frozenset(
    "jumlah banyaknya persentase proporsi angka rasio indeks nilai rata data di dan yang dari ke pada untuk "
    "dengan menurut atau per dalam oleh kabupaten kota pasuruan tahun adalah kegiatan kompilasi produk "
    "administrasi survei statistik".split()
)
WORD = re.compile(r"[a-z0-9]+")


def similarity_key(text: str, limit: int | None = None) -> frozenset[str] | None:
    """Significant words of a name or definition, order-insensitive; None if too few to compare.
    With ``limit``, only the first ``limit`` significant words count."""
    if limit and len(text) > 40 * limit:  # a long definition: its opening is usually enough
        words = _significant(text[: 40 * limit])
        if len(words) > limit:  # the last word may be cut short, so it must lie beyond the limit
            return _key(words[:limit])
    words = _significant(text)
    return _key(words[:limit] if limit else words)


def _significant(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


def _key(words: list[str]) -> frozenset[str] | None:
    return frozenset(words) if len(set(words)) >= 2 else None


def duplicate_findings(key: str, members: list[Record], schemas: Schemas) -> list[Finding]:
    """Satu Data's aim of one activity per statistic: warn when another OPD already reports a
    record with the same significant words in its name, or the same opening of its definition.
    ``members`` share those words; each pair is reported once, on the record whose path sorts
    last (usually the newer one)."""
    out = []
    what = "nama" if key in ("nama", "judul_kegiatan") else "definisi"
    for i, rec in enumerate(members):
        other = next((r for r in members[:i] if r.opd != rec.opd), None)
        if other is not None:
            out.append(_at(rec, schemas[rec.kind], (key,), "duplikasi-opd-lain",
                           f"{what.capitalize()} ini mirip dengan {rec.kind} milik OPD lain: {other.path}.",
                           "Satu Data Indonesia menghindari duplikasi kegiatan statistik: periksa apakah "
                           "data ini sudah tersedia dari OPD tersebut, dan koordinasikan dengan Walidata.",
                           PERINGATAN))  # fmt: skip
    return out


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


# --- schema errors -------------------------------------------------------------------------


def _rule(schema: dict, error: ValidationError) -> dict | None:
    """The innermost ``x-aturan`` rule on the schema path of ``error``."""
    node, found = schema, None
    for part in error.absolute_schema_path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
        if isinstance(node, dict) and "x-aturan" in node:
            found = node
    return found


def _leaves(error: ValidationError) -> Iterable[ValidationError]:
    if error.context:
        for sub in error.context:
            yield from _leaves(sub)
    else:
        yield error


def schema_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    out = []
    for top in rs.errors(record.data):
        for error in _leaves(top):
            if error.validator == "required" and isinstance(error.instance, dict):
                # jsonschema reports the first missing key; the person needs all of them at once
                missing = [k for k in error.validator_value if k not in error.instance]
                out.extend(_translate(record, rs, error, key) for key in missing)
            else:
                out.append(_translate(record, rs, error))
    return out


def _fmt(value) -> str:
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}…'"
    if value is None:
        return "kosong"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return TYPE_WORDS["array" if isinstance(value, list) else "object"]
    return str(value)


def _choices(options: list, value=None) -> str:
    text = "Pilih salah satu: " + "; ".join(str(o) for o in options) + "."
    if isinstance(value, str):
        close = difflib.get_close_matches(value, [str(o) for o in options], n=1, cutoff=0.6)
        if close:
            text = f"Mungkin maksud Anda '{close[0]}'? " + text
    return text


def _translate(record: Record, rs: RecordSchema, error: ValidationError, missing: str = "") -> Finding:
    path = tuple(error.absolute_path)
    rule = _rule(rs.schema, error)
    validator = error.validator
    value = error.instance
    tingkat = GALAT
    kode = f"skema-{validator}" if validator else "skema-dilarang"
    pesan = saran = ""

    if validator == "required":
        path = path + (missing,)
        fld = rs.field(path)
        pesan = "Isian wajib belum diisi."
        saran = f"Isi '{missing}'" + (f": {fld.bantuan}" if fld and fld.bantuan else ".")
        kode = "skema-wajib"
    elif validator == "additionalProperties":
        known = list((error.schema.get("properties") or {}).keys())
        extra = [k for k in value if k not in known] if isinstance(value, dict) else []
        if extra:
            path = path + (extra[0],)
        close = difflib.get_close_matches(extra[0], known, n=1, cutoff=0.6) if extra else []
        pesan = f"Isian '{extra[0] if extra else '?'}' tidak dikenal pada formulir {rs.form}."
        saran = (
            (f"Mungkin maksud Anda '{close[0]}'? " if close else "") + "Nama isian yang sah: " + ", ".join(known) + "."
        )
        kode = "skema-isian-tak-dikenal"
    elif validator == "type":
        want = error.validator_value
        want = [want] if isinstance(want, str) else want
        pesan = f"Jenis nilai salah: harus {' atau '.join(TYPE_WORDS.get(w, w) for w in want)}, tertulis {_fmt(value)}."
        if "array" in want and not isinstance(value, list):
            saran = "Tulis sebagai daftar: setiap butir pada baris sendiri diawali '- '."
        elif "string" in want and isinstance(value, (int, float, bool)):
            saran = 'Tulis nilainya di dalam tanda kutip, misalnya "0123".'
        elif ("integer" in want or "number" in want) and isinstance(value, str):
            saran = "Tulis angka saja tanpa tanda kutip, satuan atau titik ribuan."
        else:
            saran = "Periksa nilai isian ini."
    elif validator == "enum":
        pesan = f"Nilai {_fmt(value)} bukan pilihan yang sah."
        saran = _choices(error.validator_value, value)
    elif validator == "const":
        pesan = f"Nilai {_fmt(value)} tidak sesuai; yang diharapkan '{error.validator_value}'."
        saran = f"Ubah menjadi '{error.validator_value}'."
    elif validator == "pattern":
        fld = rs.field(path)
        pesan = f"Format {_fmt(value)} tidak sesuai."
        saran = f"Contoh format yang benar: {fld.contoh}." if fld and fld.contoh else f"Format: {error.validator_value}"
        if isinstance(value, str) and value != value.strip():
            saran = "Hapus spasi di awal atau akhir. " + saran
    elif validator == "minLength":
        pesan = "Isian kosong."
        saran = "Isi teksnya, atau hapus isian ini bila tidak wajib."
    elif validator == "maxLength":
        pesan = f"Teks terlalu panjang ({len(value)} karakter; paling banyak {error.validator_value})."
        saran = "Persingkat teksnya."
    elif validator == "minItems":
        pesan = f"Daftar kosong; isi paling sedikit {error.validator_value} butir."
        saran = "Tambahkan butir daftar, atau hapus isian ini bila tidak wajib."
    elif validator == "uniqueItems":
        pesan = "Ada butir yang ditulis lebih dari sekali."
        saran = "Hapus butir yang sama."
    elif validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {
            "minimum": "paling kecil",
            "maximum": "paling besar",
            "exclusiveMinimum": "harus lebih besar dari",
            "exclusiveMaximum": "harus lebih kecil dari",
        }[validator]
        pesan = f"Nilai {_fmt(value)} di luar rentang: {word} {error.validator_value}."
        saran = "Periksa angkanya."
    elif validator == "not" and error.validator_value == {}:  # {"not": {}}: the field must be left empty
        pesan = "Isian ini harus dikosongkan."
        saran = "Hapus isian ini."
    else:
        pesan = f"Nilai {_fmt(value)} tidak memenuhi aturan '{validator}'."
        saran = "Periksa isian ini terhadap petunjuk pengisian."

    if rule is not None:
        kode = f"aturan-{rule['x-aturan']}"
        if rule.get("x-tingkat") == PERINGATAN:
            tingkat = PERINGATAN
        if rule.get("x-bidang") and validator == "not":
            path = path + (rule["x-bidang"],)
            pesan = ""
        pesan = (pesan + " " if pesan else "") + rule["x-pesan"]
        saran = rule["x-saran"]
    return _at(record, rs, path, kode, pesan, saran, tingkat)


def _at(record: Record, rs: RecordSchema, path, kode, pesan, saran, tingkat=GALAT) -> Finding:
    fld = rs.nearest_field(path)
    return Finding(
        kode=kode,
        tingkat=tingkat,
        berkas=record.path,
        baris=record.line(path),
        lokasi=".".join(str(p) for p in path) or None,
        nomor=fld.nomor if fld else None,
        label=fld.label if fld else None,
        formulir=rs.form,
        pesan=pesan,
        saran=saran,
    )


# --- code lists ----------------------------------------------------------------------------


def codelist_findings(record: Record, rs: RecordSchema, schemas: Schemas) -> list[Finding]:
    out = []
    for path, value, ref in rs.coded_values(record.data):
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            continue
        if ref["daftar"] == "@daftar":
            names = sorted(schemas.codelists)
            if value not in names:
                out.append(
                    _at(
                        record,
                        rs,
                        path,
                        "kode-daftar-tak-dikenal",
                        f"Daftar kode {_fmt(value)} tidak ada di schemas/kode.",
                        _choices(names, value),
                    )
                )
            continue
        cl = schemas.codelists[ref["daftar"]]
        if str(value) in schemas.allowed(ref["daftar"], ref.get("kolom"), ref.get("tingkat")):
            continue
        allowed = cl.values(ref.get("kolom"), ref.get("tingkat"))
        tingkat = PERINGATAN if ref.get("peringatan") else GALAT
        hint = _choices(allowed, str(value)) if len(allowed) <= 30 else f"Lihat {cl.path} untuk kode yang sah."
        if tingkat == PERINGATAN:
            hint = f"Gunakan nilai dari {cl.path}, atau usulkan tambahan ke Walidata. " + hint
        level = f" tingkat {ref['tingkat']}" if ref.get("tingkat") else ""
        out.append(
            _at(
                record,
                rs,
                path,
                "kode-tidak-dikenal",
                f"Nilai {_fmt(value)} tidak ada di daftar kode {cl.title}{level}.",
                hint,
                tingkat,
            )
        )
    if record.kind == "variabel":
        out.extend(_classification_findings(record, rs, schemas))
    return out


def _classification_findings(record: Record, rs: RecordSchema, schemas: Schemas) -> list[Finding]:
    """MS-Var column 9: codes written out must exist in the code list the variable cites."""
    data = record.data
    cl = schemas.codelists.get(data.get("klasifikasi_referensi") or "")
    items = data.get("klasifikasi_isian")
    if cl is None or not isinstance(items, list):
        return []
    known = cl.lookup()
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "kode" not in item:
            continue
        kode = str(item["kode"])
        if kode not in known:
            out.append(
                _at(
                    record,
                    rs,
                    ("klasifikasi_isian", i, "kode"),
                    "kode-klasifikasi",
                    f"Kode {_fmt(kode)} tidak ada di daftar {cl.title} ({cl.path}).",
                    'Periksa kodenya; kode berawalan nol ditulis dalam tanda kutip, misalnya "01111".',
                )
            )
    return out


# --- one activity --------------------------------------------------------------------------


def _bound(value: str, end: bool) -> str:
    """'2025-03' → '2025-03-01' (start) or '2025-03-31' (end-ish) for ordering."""
    return value if len(value) == 10 else value + ("-31" if end else "-01")


def _earlier(a: str, b: str) -> bool:
    """Is date ``a`` before ``b``? A month without a day is compared at month level."""
    day_a, day_b = _bound(a, False), _bound(b, False)
    if len(a) == 7 or len(b) == 7:
        return day_a[:7] < day_b[:7]
    return day_a < day_b


def activity_findings(record: Record, rs: RecordSchema) -> list[Finding]:
    """Checks of one activity that need nothing but its own file."""
    data = record.data
    out = []
    dir_year = record.slug.split("-", 1)[0]
    if isinstance(data.get("tahun"), int) and str(data["tahun"]) != dir_year:
        out.append(
            _at(
                record,
                rs,
                ("tahun",),
                "tahun-folder",
                f"Tahun {data['tahun']} tidak sama dengan tahun pada nama folder ({dir_year}).",
                f"Samakan isian tahun dengan nama folder, atau ganti nama folder menjadi {data['tahun']}-…",
            )
        )
    title = data.get("judul_kegiatan")
    if isinstance(title, str) and title.lower().startswith(TITLE_PREFIXES):
        out.append(
            _at(
                record,
                rs,
                ("judul_kegiatan",),
                "judul-awalan",
                "Judul kegiatan diawali kata yang oleh BPS dinilai keliru (Jumlah, Laporan, Database, Data, Belanja).",
                "Awali judul dengan cara pengumpulan data, misalnya 'Kompilasi Produk Administrasi …' atau 'Survei …'.",
                PERINGATAN,
            )
        )
    jadwal = data_at(data, ("perencanaan", "jadwal"))
    if isinstance(jadwal, dict):
        starts = []
        for phase, ranges in jadwal.items():
            if not isinstance(ranges, list):
                continue
            for i, r in enumerate(ranges):
                if not (isinstance(r, dict) and isinstance(r.get("awal"), str) and isinstance(r.get("akhir"), str)):
                    continue
                if _bound(r["awal"], False) > _bound(r["akhir"], True):
                    out.append(
                        _at(
                            record,
                            rs,
                            ("perencanaan", "jadwal", phase, i, "akhir"),
                            "jadwal-terbalik",
                            f"Akhir ({r['akhir']}) lebih awal daripada awal ({r['awal']}).",
                            "Tukar atau perbaiki tanggal awal dan akhir.",
                        )
                    )
            firsts = [r["awal"] for r in ranges if isinstance(r, dict) and isinstance(r.get("awal"), str)]
            if firsts:
                starts.append((phase, min(firsts, key=lambda d: _bound(d, False))))
        for (prev, p_start), (phase, start) in zip(starts, starts[1:], strict=False):
            if _earlier(start, p_start):
                out.append(
                    _at(
                        record,
                        rs,
                        ("perencanaan", "jadwal", phase),
                        "jadwal-urutan",
                        f"Fase ini dimulai ({start[:7]}) sebelum fase sebelumnya '{prev}' ({p_start[:7]}).",
                        "Susun jadwal mengikuti urutan proses bisnis: perencanaan, desain, pengumpulan, pengolahan, analisis, diseminasi, evaluasi.",
                        PERINGATAN,
                    )
                )
    return out


def activity_group_findings(members: list[Record], lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """An activity's records together: 3.4 against its MS-Var, names unique inside it, data files."""
    activity = next((r for r in members if r.kind == "kegiatan"), None)
    variables = [r for r in members if r.kind == "variabel"]
    out = []
    if activity is not None and activity.data:
        out.extend(reported_variable_findings(activity, schemas["kegiatan"], variables))
    for kind in ("variabel", "indikator"):
        seen: dict[str, Record] = {}
        for rec in members:
            name = rec.data.get("nama") if rec.kind == kind else None
            if not isinstance(name, str):
                continue
            first = seen.setdefault(name.strip().lower(), rec)
            if first is not rec:
                out.append(
                    _at(
                        rec,
                        schemas[kind],
                        ("nama",),
                        "nama-ganda",
                        f"Nama '{name}' sudah dipakai oleh {first.path}.",
                        "Setiap variabel/indikator dalam satu kegiatan harus bernama unik; gabungkan atau bedakan namanya.",
                    )
                )
    if activity is not None:
        out.extend(data_findings(lookup.root, activity, variables, schemas))
    return out


def reported_variable_findings(record: Record, rs: RecordSchema, variables: list[Record]) -> list[Finding]:
    """3.4 lists the main variables; each should also be reported as an MS-Var record."""
    out = []
    data = record.data
    names = {str(v.data.get("nama", "")).strip().lower() for v in variables}
    listed = data_at(data, ("perencanaan", "variabel_dikumpulkan"))
    if not variables:
        out.append(
            _at(
                record,
                rs,
                (),
                "msvar-kosong",
                "Kegiatan ini belum memiliki MS-Var (folder variabel/ kosong).",
                "Tambahkan satu berkas variabel/<slug>.yaml untuk setiap variabel yang dikumpulkan.",
                PERINGATAN,
            )
        )
    elif isinstance(listed, list):
        for i, item in enumerate(listed):
            name = item.get("nama") if isinstance(item, dict) else None
            if isinstance(name, str) and name.strip().lower() not in names:
                out.append(
                    _at(
                        record,
                        rs,
                        ("perencanaan", "variabel_dikumpulkan", i, "nama"),
                        "msvar-tidak-ada",
                        f"Variabel '{name}' pada 3.4 belum dilaporkan sebagai MS-Var.",
                        "Buat berkas di folder variabel/ dengan nama variabel yang sama persis.",
                    )
                )
    return out


def reference_findings(
    kind: str, folder: str, members: list[Record], lookup: Lookup, schemas: Schemas
) -> list[Finding]:
    """Indicators naming a building block in activity ``folder``: it must exist and not be the
    indicator itself."""
    out = []
    rs = schemas["indikator"]
    for rec in members:
        for ref_kind, i, ref, target in _references(rec.ident, rec.data):
            if ref_kind != kind or _folder(target) != folder:
                continue
            where = ("indikator_pembangun" if kind == "indikator" else "variabel_pembangun", i)
            if kind == "indikator" and target == rec.ident:
                out.append(_at(rec, rs, where, "rujukan-diri",
                               "Indikator komposit tidak boleh tersusun dari dirinya sendiri.", "Hapus rujukan ini."))  # fmt: skip
            elif not lookup.exists(kind, target):
                out.append(_at(rec, rs, where, f"rujukan-{kind}",
                               f"{kind.capitalize()} pembangun '{ref}' tidak ditemukan di katalog.",
                               _suggest(ref, folder, rec.activity, lookup, kind)))  # fmt: skip
    return out


def cycle_findings(members: list[Record], lookup: Lookup, schemas: Schemas) -> list[Finding]:
    """Composite indicators must not build each other in a circle."""
    graph: dict[str, list[str]] = {}
    by_ident = {}
    for rec in members:
        by_ident[rec.ident] = rec
        graph[rec.ident] = [
            target
            for kind, _i, _ref, target in _references(rec.ident, rec.data)
            if kind == "indikator" and target != rec.ident and lookup.exists("indikator", target)
        ]
    return [
        _at(by_ident[cycle[0]], schemas["indikator"], ("indikator_pembangun",), "rujukan-siklus",
            "Indikator komposit saling menyusun secara melingkar: " + " → ".join(cycle + [cycle[0]]) + ".",
            "Putus lingkaran: indikator pembangun harus lebih dasar daripada indikator komposit.")
        for cycle in _cycles(graph)
    ]  # fmt: skip


def _suggest(ref: str, where: str, home: str, lookup: Lookup, kind: str) -> str:
    """'Did you mean' among the records of the activity the reference points into."""
    candidates = [r.slug if where == home else r.ident for r in lookup.children(where, kind)]
    close = difflib.get_close_matches(ref, candidates, n=1, cutoff=0.6)
    base = (
        f"Tulis slug berkas {kind} (nama berkas tanpa .yaml) di kegiatan yang sama, "
        f"atau 'opd/tahun-kegiatan/slug' untuk kegiatan lain."
    )
    return (f"Mungkin maksud Anda '{close[0]}'? " if close else "") + base


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each elementary cycle once, found by iterative DFS (rotated to start at its smallest node)."""
    found, seen_keys = [], set()
    state: dict[str, int] = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(graph.get(start, [])))]
        trail = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                trail.pop()
                state[node] = 2
                continue
            if state.get(child) == 1:
                cycle = trail[trail.index(child) :]
                i = cycle.index(min(cycle))
                cycle = cycle[i:] + cycle[:i]
                if tuple(cycle) not in seen_keys:
                    seen_keys.add(tuple(cycle))
                    found.append(cycle)
            elif not state.get(child):
                state[child] = 1
                trail.append(child)
                stack.append((child, iter(graph.get(child, []))))
    return found
