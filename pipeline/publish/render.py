"""Catalog model → HTML fragments of the portal's pages (escaped; nothing here trusts metadata text).

Field order, labels and form numbers come from the JSON Schemas, so an activity page reads
like the MS-Keg form, and a variable like an MS-Var row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..contract.schema import RecordSchema
from ..read.catalog import resolve_ref
from ..sop.state import parse_time, status
from .charts import Chart, dashboard_charts
from .downloads import activity_downloads
from .exports import json_ld_script, schema_org
from .history import History
from .mathml import latex_to_mathml
from .model import REFERENCES, STAGES, Activity, CatalogModel, Item
from .urls import activity_url, item_url, slugify

TEMPLATES = Path(__file__).resolve().parent / "templates"
MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()


@dataclass
class Page:
    path: str  # URL path relative to the site root, ending in "/" ("" for the home page)
    title: str
    body: str  # HTML fragment
    description: str = ""  # the page's <meta name="description">
    section: str = ""  # the navigation tab it belongs to (kegiatan, opd, sektor, tahun)

    @property
    def depth(self) -> int:
        return self.path.count("/")


def tanggal(moment) -> str:
    """'4 Desember 2026' (in the moment's own time zone)."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}" if moment else ""


def series_key(a: Activity) -> str:
    """Editions of one activity share their OPD and their folder name without the year."""
    return f"{a.opd}/{a.slug.split('-', 1)[-1]}"


class Renderer:
    def __init__(self, model: CatalogModel, history: History | None = None):
        self.model = model
        self.history = history
        self.editions = group(model.activities, series_key)
        self.charts: list[Chart] = []  # the dashboard's, once section_pages() made it
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            activity_url=activity_url, item_url=item_url, slugify=slugify, internal=model.internal, stages=STAGES,
            tanggal=tanggal,
        )  # fmt: skip

    def _page(self, path: str, title: str, template: str, description: str = "", **context) -> Page:
        root = "../" * path.count("/")
        body = self.env.get_template(template).render(root=root, title=title, model=self.model, **context)
        section = {"indikator": "kegiatan"}.get(path.split("/", 1)[0], path.split("/", 1)[0])
        return Page(path, title, body, description, section)

    def _short(self, a: Activity) -> str:
        opd = self.model.opds[a.opd]
        return str(opd.data.get("singkatan") or opd.name)

    def describe(self, a: Activity) -> str:
        return (f"{a.title}: metadata kegiatan statistik (MS-Keg) {self.model.opds[a.opd].name}, tahun {a.year}, "
                f"sektor {a.sector}, dengan {len(a.variables)} variabel (MS-Var) dan {len(a.indicators)} "
                "indikator (MS-Ind).")  # fmt: skip

    # --- record pages ------------------------------------------------------------------

    def activity_page(self, a: Activity) -> Page:
        schemas = self.model.schemas
        history = self.history
        rs = schemas["kegiatan"]
        toc = [("blok-" + slugify(key), sub.get("title", key)) for key, sub in (rs.schema.get("properties") or {}).items()
               if sub.get("type") == "object" and isinstance(a.data.get(key), dict)]  # fmt: skip
        editions = sorted((e for e in self.editions.get(series_key(a), []) if e is not a), key=lambda e: e.year or 0)
        return self._page(
            activity_url(a), a.title, "kegiatan.html", self.describe(a), a=a,
            opd=self.model.opds[a.opd],
            blocks=fields_html(rs, a.data),
            toc=toc,
            variables=[(v, fields_html(schemas["variabel"], v.data, skip={"nama"})) for v in a.variables],
            downloads=activity_downloads(self.model, a),
            licence=self.model.config.lisensi,
            updated=history.updated.get(a.ident) if history else None,
            revising=bool(history and a.ident in history.revising and not self.model.internal),
            versions=history.versions.get(a.ident, []) if history else [],
            editions=editions,
            log=self._log(a) if self.model.internal else None,
            json_ld=Markup(json_ld_script(schema_org(self.model, a))),
        )  # fmt: skip

    def _log(self, a: Activity) -> dict:
        """The internal view's SOP log: step names, local times, and who must act next."""
        sop = self.model.schemas.sop
        st = status(a.data | {"alur": {"riwayat": a.events}}, sop, self.model.pada)
        zone = sop.jam_kerja.zone
        rows = []
        for e in a.events:
            step = sop.step(e.get("langkah"))
            moment = parse_time(e.get("waktu"))
            rows.append({
                "nomor": e.get("langkah"),
                "nama": step.ringkas if step else (f"Berakhir: {e['akhir']}" if e.get("akhir") else "(langkah tidak dikenal)"),
                "waktu": moment.astimezone(zone).strftime("%d-%m-%Y %H:%M") if moment else str(e.get("waktu", "")),
                "peran": sop.short_role(str(e.get("peran", ""))), "aktor": e.get("aktor"), "catatan": e.get("catatan"),
                "surat": e.get("nomor_surat"),
            })  # fmt: skip
        waiting = [sop.step(n) for n in st.menunggu if sop.step(n)]
        return {
            "rows": rows,
            "zona": _zone_name(zone),
            "menunggu": [f"{s.nomor} {s.ringkas} ({sop.roles_text(s.pelaksana)}, waktu baku {s.waktu})" for s in waiting],
            "pelaksana": sop.roles_text(st.pelaksana) if st.pelaksana else None,
            "terlambat": st.terlambat,
            "berjalan": sop.jam_kerja.format(st.berjalan_menit) if st.berjalan_menit is not None else None,
        }  # fmt: skip

    def indicator_page(self, a: Activity, ind: Item) -> Page:
        rs = self.model.schemas["indikator"]
        formula = ind.data.get("rumus")
        mathml = latex_to_mathml(formula) if isinstance(formula, str) else None
        refs = {key: [self._ref(kind, a, r) for r in ind.data.get(key) or []] for key, kind in REFERENCES}
        if ind.data.get("kegiatan_penghasil"):
            refs["variabel_pembangun"] = [(str(r), None) for r in ind.data.get("variabel_pembangun") or []]
        for key, kind in REFERENCES:
            if ind.hidden.get(key):
                refs[key].append((f"({ind.hidden[key]} {kind} tidak dipublikasikan)", None))
        description = (f"{ind.name}: metadata indikator (MS-Ind) dari {a.title}, {self.model.opds[a.opd].name}, "
                       f"tahun {a.year}.")  # fmt: skip
        return self._page(
            item_url(ind), ind.name, "indikator.html", description, a=a, ind=ind,
            opd=self.model.opds[a.opd],
            revising=bool(self.history and a.ident in self.history.revising and not self.model.internal),
            mathml=Markup(mathml) if mathml else None,
            fields=fields_html(rs, ind.data, skip={"nama", "rumus", "variabel_pembangun", "indikator_pembangun"}),
            refs=refs,
        )  # fmt: skip

    def _ref(self, kind: str, a: Activity, ref) -> tuple[str, str | None]:
        """(label, url) for a reference written as 'slug' or 'opd/tahun-slug/slug'."""
        target = self.model.item(kind, resolve_ref(str(ref), a.ident))
        return (target.name, item_url(target)) if target else (str(ref), None)

    # --- browse pages --------------------------------------------------------------------

    def pages(self) -> list[Page]:
        m = self.model
        pages = []
        for a in m.activities:
            pages.append(self.activity_page(a))
            pages.extend(self.indicator_page(a, i) for i in a.indicators)
        for opd in m.opds.values():
            pages.append(self._page(f"opd/{opd.slug}/", opd.name, "daftar.html",
                                    f"Kegiatan statistik {opd.name} dan metadatanya (MS-Keg, MS-Var, MS-Ind).",
                                    opd=opd, activities=opd.activities, crumb=("OPD", "opd/")))  # fmt: skip
        for sector, acts in group(m.activities, lambda a: a.sector).items():
            pages.append(self._page(f"sektor/{slugify(sector)}/", f"Sektor {sector}", "daftar.html",
                                    f"Kegiatan statistik sektor {sector} dan metadatanya.",
                                    activities=acts, crumb=("Sektor", "sektor/")))  # fmt: skip
        for year, acts in group(m.activities, lambda a: a.year).items():
            pages.append(self._page(f"tahun/{year}/", f"Tahun {year}", "daftar.html",
                                    f"Kegiatan statistik tahun {year} dan metadatanya.",
                                    activities=acts, crumb=("Tahun", "tahun/")))  # fmt: skip
        return pages

    def section_pages(self) -> dict[str, str]:
        """Bodies of the pages that appear in the navigation (written as Markdown files)."""
        m = self.model
        sectors = group(m.activities, lambda a: a.sector)
        years = group(m.activities, lambda a: a.year)
        return {
            "kegiatan/index.md": self._page("kegiatan/", "Kegiatan", "daftar.html", activities=m.activities).body,
            "opd/index.md": self._page("opd/", "OPD", "opd.html").body,
            "sektor/index.md": self._page("sektor/", "Sektor", "kelompok.html", groups=sectors, prefix="sektor",
                                          slug=slugify).body,
            "tahun/index.md": self._page("tahun/", "Tahun", "kelompok.html", groups=years, prefix="tahun",
                                         slug=str).body,
            "dasbor/index.md": self._page("dasbor/", "Dasbor", "dasbor.html", charts=self.dashboard_charts()).body,
            "cari/index.md": self._page("cari/", "Cari", "cari.html").body,
        }  # fmt: skip

    def dashboard_charts(self) -> list[Chart]:
        self.charts = dashboard_charts(self.model, self.history.durations if self.history else {})
        return self.charts

    def home_summary(self) -> str:
        return self._page("", "Beranda", "ringkasan.html").body

    def reference_pages(self) -> dict[str, str]:
        """One page per form, generated from the schema: what to fill in, item by item."""
        out = {}
        for kind in ("kegiatan", "variabel", "indikator", "opd"):
            rs = self.model.schemas[kind]
            rows = [f for f in rs.fields() if "title" in f.schema]
            out[f"petunjuk/{rs.form.lower()}.md"] = self._page(
                "petunjuk/x/", rs.form, "petunjuk.html", rs=rs, rows=rows
            ).body
        return out


def group(activities: list[Activity], key) -> dict:
    out = defaultdict(list)
    for a in activities:
        if key(a) not in (None, ""):
            out[key(a)].append(a)
    return dict(sorted(out.items(), key=lambda kv: str(kv[0])))


# --- generic schema-driven rendering ------------------------------------------------------


def value_html(value) -> Markup:
    if value is None or value == "":
        return Markup('<span class="sd-kosong">—</span>')
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return Markup("<ul>") + Markup("").join(Markup("<li>%s</li> ") % v for v in value) + Markup("</ul>")
        return Markup("").join(value_html(v) for v in value)
    if isinstance(value, dict):
        return Markup("<dl>") + Markup("").join(
            Markup("<dt>%s</dt> <dd>%s</dd> ") % (k, value_html(v)) for k, v in value.items()
        ) + Markup("</dl>")  # fmt: skip
    text = escape(value)
    return Markup(str(text).replace("\n", "<br>")) if "\n" in str(value) else text


def fields_html(rs: RecordSchema, data: dict, skip=frozenset(), path: tuple = ()) -> Markup:
    """The record as a definition list in form order; blocks (objects) become sections."""
    node = rs.subschema(path) if path else rs.schema
    parts = []
    for key, sub in (node.get("properties") or {}).items():
        if key in skip or key not in data or sub.get("x-alur"):
            continue
        value = data[key]
        nomor = sub.get("x-nomor")
        label = sub.get("title", key)
        head = (Markup('<span class="sd-nomor">%s</span> ') % nomor if nomor else Markup("")) + escape(label)
        if sub.get("type") == "object" and isinstance(value, dict):
            inner = fields_html(rs, value, path=path + (key,))
            if not path:  # a form block: its title already carries the block number
                parts.append(Markup('<section class="sd-blok"><h2 id="%s">%s</h2>%s</section>')
                             % ("blok-" + slugify(key), label, inner))  # fmt: skip
            else:
                parts.append(Markup('<dt>%s</dt> <dd class="sd-sub">%s</dd> ') % (head, inner))
        elif (
            sub.get("type") == "array" and (sub.get("items") or {}).get("type") == "object" and isinstance(value, list)
        ):
            parts.append(Markup("<dt>%s</dt> <dd>%s</dd> ") % (head, table_html(sub["items"], value)))
        else:
            parts.append(Markup("<dt>%s</dt> <dd>%s</dd> ") % (head, value_html(value)))
    blocks = [p for p in parts if p.startswith("<section")]
    fields = [p for p in parts if not p.startswith("<section")]
    out = Markup("")
    if fields:
        out += Markup('<dl class="sd-isian">') + Markup("").join(fields) + Markup("</dl>")
    return out + Markup("").join(blocks)


def table_html(item_schema: dict, rows: list) -> Markup:
    cols = list((item_schema.get("properties") or {}).items())
    used = [(k, s) for k, s in cols if any(isinstance(r, dict) and k in r for r in rows)]
    head = Markup("").join(Markup("<th>%s</th>") % s.get("title", k) for k, s in used)
    body = Markup("").join(
        Markup("<tr>%s</tr>") % Markup("").join(
            Markup('<td data-label="%s">%s</td> ') % (s.get("title", k), value_html(r.get(k) if isinstance(r, dict) else None))
            for k, s in used)
        for r in rows
    )  # fmt: skip
    return Markup('<table class="sd-tumpuk"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>') % (head, body)


def _zone_name(zone) -> str:
    hours = zone.utcoffset(None).total_seconds() / 3600
    return {7: "WIB", 8: "WITA", 9: "WIT"}.get(hours, f"UTC{hours:+g}")
