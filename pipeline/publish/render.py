"""Catalog model → HTML fragments of the portal's pages (escaped; nothing here trusts metadata text).

Field order, labels and form numbers come from the JSON Schemas, so an activity page reads
like the MS-Keg form, and a variable like an MS-Var row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..contract.schema import RecordSchema
from ..read.catalog import resolve_ref
from .exports import json_ld_script, schema_org
from .mathml import latex_to_mathml
from .model import REFERENCES, STAGES, Activity, CatalogModel, Item
from .urls import activity_url, item_url, slugify

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class Page:
    path: str  # URL path relative to the site root, ending in "/" ("" for the home page)
    title: str
    body: str  # HTML fragment

    @property
    def depth(self) -> int:
        return self.path.count("/")


class Renderer:
    def __init__(self, model: CatalogModel, base: str | None = None):
        self.model = model
        self.base = base  # the public site URL, for absolute links in JSON-LD
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            activity_url=activity_url, item_url=item_url, slugify=slugify, internal=model.internal, stages=STAGES
        )

    def _page(self, path: str, title: str, template: str, **context) -> Page:
        root = "../" * path.count("/")
        body = self.env.get_template(template).render(root=root, title=title, model=self.model, **context)
        return Page(path, title, body)

    # --- record pages ------------------------------------------------------------------

    def activity_page(self, a: Activity) -> Page:
        schemas = self.model.schemas
        return self._page(
            activity_url(a), a.title, "kegiatan.html", a=a,
            opd=self.model.opds[a.opd],
            blocks=fields_html(schemas["kegiatan"], a.data),
            variables=[(v, fields_html(schemas["variabel"], v.data, skip={"nama"})) for v in a.variables],
            json_ld=Markup(json_ld_script(schema_org(self.model, a))),
        )  # fmt: skip

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
        return self._page(
            item_url(ind), ind.name, "indikator.html", a=a, ind=ind,
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
            pages.append(self._page(f"opd/{opd.slug}/", opd.name, "daftar.html", opd=opd, activities=opd.activities))
        for sector, acts in group(m.activities, lambda a: a.sector).items():
            pages.append(self._page(f"sektor/{slugify(sector)}/", f"Sektor {sector}", "daftar.html", activities=acts))
        for year, acts in group(m.activities, lambda a: a.year).items():
            pages.append(self._page(f"tahun/{year}/", f"Tahun {year}", "daftar.html", activities=acts))
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
            "dasbor/index.md": self._page("dasbor/", "Dasbor", "dasbor.html", **self._dashboard()).body,
            "cari/index.md": self._page("cari/", "Cari", "cari.html").body,
        }  # fmt: skip

    def _dashboard(self) -> dict:
        m = self.model
        short = {k: opd.data.get("singkatan") or k for k, opd in m.opds.items()}
        stages = [name for name, _ in STAGES]
        steps = sorted({step for c in m.overdue.values() for step in c})
        overdue = {short[k]: Counter({f"Langkah {s}": n for s, n in c.items()}) for k, c in m.overdue.items() if c}
        return {
            "chart": Markup(stacked_bars("Kemajuan SOP per OPD", {short[k]: c for k, c in m.progress.items()},
                                         stages, PALETTE)),
            "overdue_chart": Markup(stacked_bars("Langkah melewati waktu baku", overdue,
                                                 [f"Langkah {s}" for s in steps], PALETTE[6:] + PALETTE[:6])),
            "overdue_steps": steps,
        }  # fmt: skip

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
            Markup("<td>%s</td> ") % value_html(r.get(k) if isinstance(r, dict) else None) for k, _ in used)
        for r in rows
    )  # fmt: skip
    return Markup("<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>") % (head, body)


# --- dashboard ----------------------------------------------------------------------------


PALETTE = ["#e5e7eb", "#c7d2fe", "#93c5fd", "#fcd34d", "#86efac", "#16a34a", "#f97316", "#dc2626", "#7c3aed"]


def stacked_bars(title: str, rows: dict[str, Counter], series: list[str], colors: list[str]) -> str:
    """A horizontal stacked bar chart as inline SVG (no JavaScript, renders offline)."""
    width, label_w, bar_h, gap = 800, 140, 22, 10
    total_max = max((sum(c.values()) for c in rows.values()), default=1) or 1
    height = 40 + len(rows) * (bar_h + gap) + 30
    out = [
        f'<svg class="sd-grafik" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    x = 10.0
    for name, color in zip(series, colors, strict=False):  # legend
        out.append(
            f'<rect x="{x:.0f}" y="4" width="12" height="12" fill="{color}"/>'
            f'<text x="{x + 16:.0f}" y="14" font-size="11">{escape(name)}</text>'
        )
        x += 30 + len(name) * 6.3
    for i, (label, counts) in enumerate(rows.items()):
        y = 30 + i * (bar_h + gap)
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        x = float(label_w)
        for name, color in zip(series, colors, strict=False):
            n = counts.get(name, 0)
            if not n:
                continue
            w = (width - label_w - 20) * n / total_max
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                f"<title>{escape(label)} — {escape(name)}: {n}</title></rect>"
                f'<text x="{x + w / 2:.1f}" y="{y + 15}" font-size="11" text-anchor="middle">{n}</text>'
            )
            x += w
    out.append("</svg>")
    return "".join(out)
