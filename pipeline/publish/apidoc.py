"""The field tables of the ``api/`` page (docs/api.md), generated from the schemas.

``docs/api.md`` describes every export in words; where it lists fields it holds the marker
:data:`MARK`, which the build replaces with one table per form: the CSV column (dotted key, the
same key in JSON), the form number and label, the allowed options and the Indah v2 key (or why Indah has none).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..contract.schema import Schemas
from .exports import columns
from .indah import annotation

MARK = "<!-- satudata:isian-ekspor -->"
FORMS = (("kegiatan", "MS-Keg", "kegiatan.csv, ms-keg.csv"), ("variabel", "MS-Var", "variabel.csv, ms-var.csv"),
         ("indikator", "MS-Ind", "indikator.csv, ms-ind.csv"))  # fmt: skip
ID_COLUMNS = {
    "kegiatan": [("id", "Identitas kegiatan: opd/tahun-slug (jalur foldernya)."), ("opd", "Slug OPD penyelenggara.")],
    "variabel": [("id", "Identitas variabel: opd/tahun-slug/slug."), ("kegiatan", "Identitas kegiatannya.")],
    "indikator": [("id", "Identitas indikator: opd/tahun-slug/slug."), ("kegiatan", "Identitas kegiatannya.")],
}


def _indah(rs, dotted: str) -> Markup:
    """The Indah v2 key of a column, or why Indah has none."""
    note = annotation(rs, tuple(dotted.split(".")))
    key = note if isinstance(note, str) else note.get("kunci") if isinstance(note, dict) else None
    if isinstance(key, str) and key:
        return Markup("<code>%s</code>") % key
    why = note.get("alasan") if isinstance(note, dict) else None
    return Markup("— %s") % why if why else Markup("—")


def _options(sub: dict) -> str:
    options = sub.get("enum") or (sub.get("items") or {}).get("enum")
    if options:
        return "; ".join(str(o) for o in options)
    ref = sub.get("x-daftar-kode")
    if ref:
        return f"daftar kode {ref.get('daftar')}"
    if isinstance(sub.get("type"), list):  # 5.5/5.6: a number, or text as written on the form
        return "angka atau teks"
    return {"integer": "bilangan bulat", "number": "angka", "array": "daftar"}.get(sub.get("type"), "teks")


def field_tables(schemas: Schemas) -> str:
    parts = []
    for kind, form, files in FORMS:
        rs = schemas[kind]
        rows = [
            Markup("<tr><td><code>%s</code></td><td></td><td>%s</td><td>teks</td><td>—</td></tr>") % (key, text)
            for key, text in ID_COLUMNS[kind]
        ]
        for dotted, sub in columns(rs):
            rows.append(
                Markup("<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                % (dotted, sub.get("x-nomor") or "", sub.get("title", dotted), _options(sub), _indah(rs, dotted))
            )
        parts.append(
            Markup('<h3 id="isian-%s">%s (%s)</h3><div class="sd-tabel-lebar"><table><thead><tr><th>Kolom / kunci JSON</th>'
                   "<th>Nomor</th><th>Label</th><th>Isian</th><th>Kunci Indah v2</th></tr></thead><tbody>%s</tbody>"
                   "</table></div>") % (kind, form, files, Markup("").join(rows))
        )  # fmt: skip
    return str(Markup("").join(escape(p) for p in parts))
