"""The compliance dashboard's charts: Vega-Lite specifications rendered to static SVG by vl-convert.

vl-convert (Rust, with Vega and Vega-Lite embedded) draws offline; the page ships no JavaScript
for its charts. The specifications are written as Vega-Lite JSON directly rather than through
Vega-Altair: Altair only builds these dictionaries, and importing it costs ≈ 0.2 s of every build.
Each chart comes with the table of its numbers (shown beside it, and read by screen readers).

Charts are designed at phone width (the SVG scales down to fit, never below its own text size on
a 360 px screen), one colour per meaning, legends below the plot, one entry a line, never cut.
"""

from __future__ import annotations

import math
import re
import statistics
import threading
from collections import Counter
from dataclasses import dataclass, field

from .model import STAGES, CatalogModel

WIDTH = 180  # plot width in px: with its labels the SVG is ≈ 340 px wide, drawn 1:1 on a 360 px phone
STAGE_COLOURS = ["#9e9e9e", "#a6cee3", "#1f78b4", "#fdbf6f", "#33a02c", "#125e1c"]  # one per SOP stage
LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
FONT = "Roboto, Helvetica, Arial, sans-serif"
CONFIG = {
    "font": FONT,
    "axis": {"labelFontSize": 13, "titleFontSize": 13, "labelLimit": 130, "labelColor": "#333", "titleColor": "#333"},
    "legend": {"labelFontSize": 13, "titleFontSize": 13, "orient": "bottom", "direction": "horizontal",
               "columns": 1, "labelLimit": 0, "symbolType": "square"},
    "view": {"stroke": None},
    # vl-convert lays text out with its own Liberation Sans (Arial's widths); a reader whose font is
    # wider (DejaVu Sans, Linux's default) would see the longest axis labels cut at the left edge
    "padding": {"left": 24, "right": 5, "top": 5, "bottom": 5},
}  # fmt: skip


@dataclass
class Chart:
    key: str  # the anchor of its section
    title: str
    note: str  # one sentence: what the chart shows
    spec: dict
    header: list[str]
    rows: list[list]  # the numbers the chart draws, as its table
    svg: str = field(default="", repr=False)

    @property
    def marker(self) -> str:
        return f"<!-- sd-grafik:{self.key} -->"


def _counts(values: list[dict]) -> dict:
    """An axis of whole counts up to the longest stacked bar: ticks 0, step, 2·step, … (never 0.5)."""
    totals = Counter()
    for v in values:
        totals[v.get("opd") or v.get("sektor")] += v["jumlah"]
    top = max(totals.values(), default=1)
    step = max(1, math.ceil(top / 5))
    return {"values": list(range(0, top + step, step)), "format": "d"}


def _hours(values: list[dict]) -> dict:
    """A symlog axis of hours with ticks 1, 2, 5, 10, 20, 50 … up to the longest bar: the default
    ticks crowd together where the scale bends ("10 15 20")."""
    top = max((v["jam"] for v in values), default=1)
    ticks = [0] + [m * 10**e for e in range(6) for m in (1, 2, 5) if m * 10**e <= max(top, 1)]
    return {"values": ticks, "format": "d"}


def _spec(values: list[dict], mark, encoding: dict, height: int, **extra) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": height,
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding,
        **extra,
    }


def dashboard_charts(model: CatalogModel, durations: dict[int, list[int]]) -> list[Chart]:
    """The dashboard's charts with their tables (SVG not drawn yet: see :func:`draw`)."""
    short = {k: str(opd.data.get("singkatan") or k) for k, opd in model.opds.items()}
    charts = [_progress(model, short), _sectors(model), _step_times(model, durations)]
    if model.pada:
        charts.append(_late(model, short))
    return charts


def _progress(model: CatalogModel, short: dict[str, str]) -> Chart:
    stages = [name for name, _ in STAGES]
    rows = [[model.opds[k].name, *(c[s] for s in stages), sum(c.values())] for k, c in model.progress.items()]
    values = [{"opd": short[k], "tahap": s, "urut": i, "jumlah": c[s]}
              for k, c in model.progress.items() for i, s in enumerate(stages) if c[s]]  # fmt: skip
    return Chart(
        "kemajuan", "Kemajuan SOP per OPD",
        "Banyaknya kegiatan setiap OPD menurut tahap SOP yang sudah dicapai (termasuk kegiatan yang belum publik).",
        _spec(values, {"type": "bar"}, {
            "y": {"field": "opd", "type": "nominal", "title": "OPD", "sort": list(short.values())},
            "x": {"field": "jumlah", "type": "quantitative", "title": "Jumlah kegiatan", "axis": _counts(values)},
            "color": {"field": "tahap", "type": "nominal", "title": "Tahap SOP",
                      "scale": {"domain": stages, "range": STAGE_COLOURS}},
            "order": {"field": "urut"},
            "tooltip": [{"field": "opd"}, {"field": "tahap"}, {"field": "jumlah"}],
        }, max(60, 26 * len(short))),
        ["OPD", *stages, "Jumlah"], rows,
    )  # fmt: skip


def _sectors(model: CatalogModel) -> Chart:
    by = Counter((a.sector, a.year) for a in model.activities if a.sector and a.year)
    years = sorted({y for _, y in by})
    sectors = sorted({s for s, _ in by})
    values = [{"sektor": s, "tahun": str(y), "jumlah": n} for (s, y), n in sorted(by.items())]
    return Chart(
        "sektor-tahun", "Kegiatan per sektor dan tahun",
        "Banyaknya kegiatan yang metadatanya dipublikasikan, menurut sektor dan tahun kegiatan.",
        _spec(values, {"type": "bar"}, {
            "y": {"field": "sektor", "type": "nominal", "title": "Sektor"},
            "x": {"field": "jumlah", "type": "quantitative", "title": "Jumlah kegiatan", "axis": _counts(values)},
            "color": {"field": "tahun", "type": "ordinal", "title": "Tahun", "scale": {"scheme": "blues"}},
            "tooltip": [{"field": "sektor"}, {"field": "tahun"}, {"field": "jumlah"}],
        }, max(60, 26 * len(sectors))),
        ["Sektor", *map(str, years), "Jumlah"],
        [[s, *(by[(s, y)] for y in years), sum(by[(s, y)] for y in years)] for s in sectors],
    )  # fmt: skip


def _step_times(model: CatalogModel, durations: dict[int, list[int]]) -> Chart:
    sop = model.schemas.sop
    steps = [(sop.step(n), minutes) for n, minutes in durations.items() if sop.step(n) and minutes]
    hours = sop.jam_kerja.minutes_per_day / 60
    values = []
    rows = []
    for step, minutes in steps:
        median = statistics.median(minutes)
        label = step.label()
        values.append({"langkah": label, "jenis": "Median waktu nyata", "jam": round(median / 60, 2)})
        values.append({"langkah": label, "jenis": "Waktu baku SOP", "jam": round(step.baku_menit / 60, 2)})
        rows.append([label, len(minutes), sop.jam_kerja.format(int(median)), step.waktu,
                     "ya" if median > step.baku_menit else "tidak"])  # fmt: skip
    return Chart(
        "waktu-langkah", "Waktu setiap langkah SOP terhadap waktu bakunya",
        f"Median jam kerja (1 hari kerja = {hours:g} jam) dari langkah sebelumnya sampai langkah itu dicatat, "
        "dibandingkan dengan waktu baku SOP.",
        _spec(values, {"type": "bar"}, {
            # no axis title: the labels name the steps, and a title beside them collides with a label
            # that the reader's font draws wider than vl-convert measured it
            "y": {"field": "langkah", "type": "nominal", "title": None, "sort": [s.label() for s, _ in steps]},
            "yOffset": {"field": "jenis"},
            "x": {"field": "jam", "type": "quantitative", "title": "Jam kerja", "scale": {"type": "symlog"},
                  "axis": _hours(values)},
            "color": {"field": "jenis", "type": "nominal", "title": None,
                      "scale": {"domain": ["Median waktu nyata", "Waktu baku SOP"], "range": ["#1f78b4", "#bdbdbd"]}},
            "tooltip": [{"field": "langkah"}, {"field": "jenis"}, {"field": "jam"}],
        }, max(60, 34 * len(steps))),
        ["Langkah", "Dicatat (kali)", "Median waktu nyata", "Waktu baku", "Melewati waktu baku"], rows,
    )  # fmt: skip


def _late(model: CatalogModel, short: dict[str, str]) -> Chart:
    sop = model.schemas.sop
    late_steps = sorted({s for c in model.overdue.values() for s in c})
    labels = {s: sop.step(s).label() if sop.step(s) else str(s) for s in late_steps}
    values = [{"opd": short[k], "langkah": labels[s], "jumlah": n}
              for k, c in model.overdue.items() for s, n in sorted(c.items())]  # fmt: skip
    return Chart(
        "terlambat", "Langkah yang melewati waktu baku",
        f"Kegiatan yang menunggu lebih lama dari waktu baku langkah berikutnya, per "
        f"{model.pada.strftime('%d-%m-%Y %H:%M')} WIB, dihitung dalam jam kerja (Senin–Jumat "
        f"{sop.jam_kerja.start:%H.%M}–{sop.jam_kerja.end:%H.%M}, di luar hari libur nasional dan cuti bersama).",
        _spec(values, {"type": "bar"}, {
            "y": {"field": "opd", "type": "nominal", "title": "OPD"},
            "x": {"field": "jumlah", "type": "quantitative", "title": "Jumlah kegiatan", "axis": _counts(values)},
            "color": {"field": "langkah", "type": "nominal", "title": "Langkah yang ditunggu",
                      "scale": {"scheme": "oranges"}},
            "tooltip": [{"field": "opd"}, {"field": "langkah"}, {"field": "jumlah"}],
        }, max(60, 26 * len({v["opd"] for v in values}))) if values else {},
        ["OPD", *(labels[s] for s in late_steps)],
        [[model.opds[k].name, *(c[s] for s in late_steps)] for k, c in model.overdue.items() if c],
    )  # fmt: skip


def draw(charts: list[Chart]) -> None:
    """Render every chart's SVG (vl-convert; no network: the data is inline)."""
    import vl_convert

    for chart in charts:
        if chart.spec and chart.rows:
            svg = vl_convert.vegalite_to_svg(chart.spec, config=CONFIG, format_locale=LOCALE, allowed_base_urls=[])
            chart.svg = _accessible(svg, chart)


def draw_later(charts: list[Chart]):
    """Start :func:`draw` in a thread (vl-convert releases the GIL, so it overlaps MkDocs' build);
    the function returned waits for it and re-raises its error."""
    failed: list[BaseException] = []

    def run():
        try:
            draw(charts)
        except BaseException as exc:  # handed to the caller
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return wait


def _accessible(svg: str, chart: Chart) -> str:
    """The SVG as an image named by its title; its numbers are in the table beside it."""
    from markupsafe import escape

    start = svg.index("<svg") + 4
    body = svg[svg.index(">", start) + 1 :]
    attrs = re.sub(r'\s*class="[^"]*"', "", svg[start : svg.index(">", start)])
    return (f'<svg{attrs} class="sd-grafik" role="img" aria-label="{escape(chart.title)}">'
            f"<title>{escape(chart.title)}</title>{body}")  # fmt: skip
