"""Records → findings, in words: JSON Schema errors translated into Indonesian from the schema itself.

The failing field's ``title`` and ``x-nomor`` name the form item; for cross-field rules (an
``allOf`` item with ``x-aturan``) the rule's own ``x-pesan``/``x-saran`` say what is wrong and
how to fix it. :func:`at` places any finding on a record's field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..codes import GALAT, PERINGATAN, Finding, schema_code
from ..contract.dates import form_date
from ..contract.schema import RecordSchema
from ..read.catalog import Record

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


def fmt(value) -> str:
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}…'"
    if value is None:
        return "kosong"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return TYPE_WORDS["array" if isinstance(value, list) else "object"]
    return str(value)


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn ``a`` into ``b``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def closest(value: str, options) -> str | None:
    """The option ``value`` is a typing slip of: case aside, one edit per five characters (at
    least one). 'Tahunann' → 'Tahunan', 'integer' → 'Integer'; 'menit' is not 'unit' (two edits)."""
    want = value.strip().casefold()
    limit = max(1, len(want) // 5)
    best = None
    for option in options:
        d = _distance(want, str(option).casefold())
        if d <= limit and (best is None or d < best[0]):
            best = (d, str(option))
    return best[1] if best else None


def choices(options: list, value=None) -> str:
    text = "Pilih salah satu: " + "; ".join(str(o) for o in options) + "."
    close = closest(value, options) if isinstance(value, str) else None
    if close is not None and close != value:
        text = f"Mungkin maksud Anda '{close}'? " + text
    return text


@dataclass
class _Said:
    """What a finding about one schema error says: where, which code, what is wrong, the fix."""

    path: tuple
    kode: str
    pesan: str
    saran: str


def _translate(record: Record, rs: RecordSchema, error: ValidationError, missing: str = "") -> Finding:
    validator = error.validator
    said = _Said(tuple(error.absolute_path), schema_code(validator), "", "")
    explain = _EXPLAIN.get(validator)
    if validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        explain = _range
    if explain is not None:
        explain(said, rs, error, missing)
    elif validator == "not" and error.validator_value == {}:  # {"not": {}}: the field must be left empty
        said.pesan, said.saran = "Isian ini harus dikosongkan.", "Hapus isian ini."
    else:
        said.pesan = f"Nilai {fmt(error.instance)} tidak memenuhi aturan '{validator}'."
        said.saran = "Periksa isian ini terhadap petunjuk pengisian."
    tingkat = GALAT
    rule = _rule(rs.schema, error)
    if rule is not None:
        said.kode = f"aturan-{rule['x-aturan']}"
        if rule.get("x-tingkat") == PERINGATAN:
            tingkat = PERINGATAN
        if rule.get("x-bidang") and validator == "not":
            said.path, said.pesan = said.path + (rule["x-bidang"],), ""
        said.pesan = (said.pesan + " " if said.pesan else "") + rule["x-pesan"]
        said.saran = rule["x-saran"]
    return at(record, rs, said.path, said.kode, said.pesan, said.saran, tingkat)


def _required(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    said.path = said.path + (missing,)
    fld = rs.field(said.path)
    said.kode, said.pesan = "skema-wajib", "Isian wajib belum diisi."
    said.saran = f"Isi '{missing}'" + (f": {fld.bantuan}" if fld and fld.bantuan else ".")


def _unknown_key(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    value = error.instance
    known = list((error.schema.get("properties") or {}).keys())
    extra = [k for k in value if k not in known] if isinstance(value, dict) else []
    if extra:
        said.path = said.path + (extra[0],)
    close = closest(str(extra[0]), known) if extra else None
    said.kode = "skema-isian-tak-dikenal"
    said.pesan = f"Isian '{extra[0] if extra else '?'}' tidak dikenal pada formulir {rs.form}."
    said.saran = (
        (f"Mungkin maksud Anda '{close}'? " if close else "") + "Nama isian yang sah: " + ", ".join(known) + "."
    )


def _wrong_type(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    value, want = error.instance, error.validator_value
    want = [want] if isinstance(want, str) else want
    said.pesan = f"Jenis nilai salah: harus {' atau '.join(TYPE_WORDS.get(w, w) for w in want)}, tertulis {fmt(value)}."
    if "array" in want and not isinstance(value, list):
        said.saran = "Tulis sebagai daftar: setiap butir pada baris sendiri diawali '- '."
    elif "string" in want and isinstance(value, (int, float, bool)):
        said.saran = 'Tulis nilainya di dalam tanda kutip, misalnya "0123".'
    elif ("integer" in want or "number" in want) and isinstance(value, str):
        said.saran = "Tulis angka saja tanpa tanda kutip, satuan atau titik ribuan."
    else:
        said.saran = "Periksa nilai isian ini."


def _not_an_option(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    value = error.instance
    said.pesan = f"Nilai {fmt(value)} bukan pilihan yang sah."
    fld = rs.field(said.path)
    synonyms = (fld.schema.get("x-sinonim") or {}) if fld else {}
    same = next((v for k, v in synonyms.items() if isinstance(value, str) and k.casefold() == value.casefold()), None)
    if same is not None:
        said.saran = f"Pilihan ini ditulis '{same}' di katalog (nama pada formulir versi lain untuk pilihan yang sama)."
    else:
        said.saran = choices(error.validator_value, value)


def _not_the_value(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    said.pesan = f"Nilai {fmt(error.instance)} tidak sesuai; yang diharapkan '{error.validator_value}'."
    said.saran = f"Ubah menjadi '{error.validator_value}'."


def _bad_format(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    value = error.instance
    fld = rs.field(said.path)
    said.pesan = f"Format {fmt(value)} tidak sesuai."
    date = form_date(value) if isinstance(value, str) else None
    if date is not None and re.fullmatch(error.validator_value, date):
        said.saran = f"Tulis tanggal sebagai TTTT-BB atau TTTT-BB-HH: '{date}'."
        return
    said.saran = (
        f"Contoh format yang benar: {fld.contoh}." if fld and fld.contoh else f"Format: {error.validator_value}"
    )
    if isinstance(value, str) and value != value.strip():
        said.saran = "Hapus spasi di awal atau akhir. " + said.saran


def _empty_text(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    said.pesan, said.saran = "Isian kosong.", "Isi teksnya, atau hapus isian ini bila tidak wajib."


def _long_text(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    said.pesan = f"Teks terlalu panjang ({len(error.instance)} karakter; paling banyak {error.validator_value})."
    said.saran = "Persingkat teksnya."


def _short_list(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    said.pesan = f"Daftar kosong; isi paling sedikit {error.validator_value} butir."
    said.saran = "Tambahkan butir daftar, atau hapus isian ini bila tidak wajib."


def _repeated(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    said.pesan, said.saran = "Ada butir yang ditulis lebih dari sekali.", "Hapus butir yang sama."


_RANGE_WORDS = {
    "minimum": "paling kecil",
    "maximum": "paling besar",
    "exclusiveMinimum": "harus lebih besar dari",
    "exclusiveMaximum": "harus lebih kecil dari",
}


def _range(said: _Said, rs: RecordSchema, error: ValidationError, missing: str) -> None:
    word = _RANGE_WORDS[error.validator]
    said.pesan = f"Nilai {fmt(error.instance)} di luar rentang: {word} {error.validator_value}."
    said.saran = "Periksa angkanya."


_EXPLAIN = {
    "required": _required,
    "additionalProperties": _unknown_key,
    "type": _wrong_type,
    "enum": _not_an_option,
    "const": _not_the_value,
    "pattern": _bad_format,
    "minLength": _empty_text,
    "maxLength": _long_text,
    "minItems": _short_list,
    "uniqueItems": _repeated,
}
"""How each JSON Schema keyword's failure is said; the finding's code is ``skema-<keyword>``."""


def at(record: Record, rs: RecordSchema, path, kode, pesan, saran, tingkat=GALAT) -> Finding:
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
