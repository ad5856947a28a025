"""Records → findings, in words: JSON Schema errors translated into Indonesian from the schema itself.

The failing field's ``title`` and ``x-nomor`` name the form item; for cross-field rules (an
``allOf`` item with ``x-aturan``) the rule's own ``x-pesan``/``x-saran`` say what is wrong and
how to fix it. :func:`at` places any finding on a record's field.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..codes import GALAT, PERINGATAN, Finding, schema_code
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


def choices(options: list, value=None) -> str:
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
    kode = schema_code(validator)
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
        pesan = f"Jenis nilai salah: harus {' atau '.join(TYPE_WORDS.get(w, w) for w in want)}, tertulis {fmt(value)}."
        if "array" in want and not isinstance(value, list):
            saran = "Tulis sebagai daftar: setiap butir pada baris sendiri diawali '- '."
        elif "string" in want and isinstance(value, (int, float, bool)):
            saran = 'Tulis nilainya di dalam tanda kutip, misalnya "0123".'
        elif ("integer" in want or "number" in want) and isinstance(value, str):
            saran = "Tulis angka saja tanpa tanda kutip, satuan atau titik ribuan."
        else:
            saran = "Periksa nilai isian ini."
    elif validator == "enum":
        pesan = f"Nilai {fmt(value)} bukan pilihan yang sah."
        saran = choices(error.validator_value, value)
    elif validator == "const":
        pesan = f"Nilai {fmt(value)} tidak sesuai; yang diharapkan '{error.validator_value}'."
        saran = f"Ubah menjadi '{error.validator_value}'."
    elif validator == "pattern":
        fld = rs.field(path)
        pesan = f"Format {fmt(value)} tidak sesuai."
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
        pesan = f"Nilai {fmt(value)} di luar rentang: {word} {error.validator_value}."
        saran = "Periksa angkanya."
    elif validator == "not" and error.validator_value == {}:  # {"not": {}}: the field must be left empty
        pesan = "Isian ini harus dikosongkan."
        saran = "Hapus isian ini."
    else:
        pesan = f"Nilai {fmt(value)} tidak memenuhi aturan '{validator}'."
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
    return at(record, rs, path, kode, pesan, saran, tingkat)


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
