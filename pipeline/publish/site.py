"""Catalog model → the public portal in ``site/``: MkDocs Material around pages rendered here.

MkDocs renders what people write (``docs/``) and the few navigation pages; every record page
(activities, indicators, browse lists) is rendered by :mod:`pipeline.render` and poured into a
page "shell" that MkDocs built at the same folder depth, so it gets Material's header,
navigation and styles without a Markdown and theme pass per record. :mod:`pipeline.search`
writes the search index from the same model. The build happens in a temporary folder and is
swapped into place at the end, so a failed build never leaves a half-built site.
"""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from ..codes import SatudataError
from . import editor
from .apidoc import MARK as API_MARK
from .apidoc import field_tables
from .charts import draw_later
from .exports import write_exports
from .history import History
from .model import CatalogModel, with_site_url
from .render import Page, Renderer, tanggal
from .search import IndexStats, write_index

THEME = Path(__file__).resolve().parent / "templates" / "theme"
SHELL = "_kerangka"
MARK_TITLE = "SDJUDUL7f3a"
MARK_DESCRIPTION = "SDDESKRIPSI7f3a"
MARK_URL = "SDALAMAT7f3a"
MARK_BODY = '<div id="sd-penanda-7f3a"><h1>x</h1></div>'
FEED_SIZE = 50
GENERATED = ("kegiatan", "indikator", "opd", "sektor", "tahun", "dasbor", "cari", "petunjuk", "sunting", SHELL)
HOME_MARK = "<!-- satudata:ringkasan -->"
SITE_MARKER = ".satudata-situs"
"""Written into every built site: only a folder holding it may be replaced by the next build."""


class BuildError(SatudataError):
    """The portal could not be built; the message says why, in Indonesian."""

    kode = "portal-gagal"


@dataclass
class BuildResult:
    out: Path
    pages: int
    record_pages: int
    seconds: float
    mkdocs_seconds: float
    render_seconds: float
    index_and_export_seconds: float
    exports: int
    search: IndexStats
    editor: editor.EditorResult | None = None


@contextmanager
def _env(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _raw(body: str) -> str:
    """An HTML fragment as one raw-HTML Markdown block (no blank lines, so Markdown leaves it alone)."""
    lines = [line for line in body.splitlines() if line.strip()]
    return '<div class="sd-halaman">\n' + "\n".join(lines) + "\n</div>\n"


def _md(title: str, body: str, hide=("toc",)) -> str:
    front = f"---\ntitle: {title!r}\nhide:\n" + "".join(f"  - {h}\n" for h in hide) + "---\n\n"
    return front + _raw(body)


def prepare_docs(root: Path, docs: Path, renderer: Renderer, depths: set[int]) -> None:
    """Copy the hand-written docs and add the generated navigation, reference and shell pages."""
    source = root / "docs"
    if source.is_dir():
        shutil.copytree(source, docs)
    else:
        docs.mkdir(parents=True)
    for name in GENERATED:
        if (docs / name).exists():
            raise BuildError(f"docs/{name} dipakai oleh halaman yang dibuat otomatis; ganti nama folder tersebut.")
    home = docs / "index.md"
    summary = _raw(renderer.home_summary())
    if home.is_file():
        text = home.read_text(encoding="utf-8")
        home.write_text(
            text.replace(HOME_MARK, summary) if HOME_MARK in text else text + "\n" + summary, encoding="utf-8"
        )
    else:
        home.write_text(
            _md(renderer.model.schemas["kegiatan"].schema["title"], renderer.home_summary()), encoding="utf-8"
        )
    api = docs / "api.md"  # the exports' field tables come from the schemas
    if api.is_file() and API_MARK in (text := api.read_text(encoding="utf-8")):
        api.write_text(text.replace(API_MARK, _raw(field_tables(renderer.model.schemas))), encoding="utf-8")
    titles = {
        "kegiatan": "Kegiatan",
        "opd": "OPD",
        "sektor": "Sektor",
        "tahun": "Tahun",
        "dasbor": "Dasbor SOP",
        "cari": "Cari",
    }
    for rel, body in renderer.section_pages().items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_md(titles[rel.split("/")[0]], body), encoding="utf-8")
    for rel, body in renderer.reference_pages().items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        form = rel.split("/")[1].removesuffix(".md").upper()
        path.write_text(_md(f"Petunjuk pengisian {form}", body), encoding="utf-8")
    for depth in depths:
        # a page at <d> folders deep: _kerangka/s/s/.../k<d>.md → _kerangka/s/.../k<d>/index.html
        path = docs / SHELL / Path(*(["s"] * (depth - 2))) / f"k{depth}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: {MARK_TITLE}\nsd_kerangka: true\nhide:\n  - toc\n---\n\n{MARK_BODY}\n", encoding="utf-8"
        )


def shell_path(site: Path, depth: int) -> Path:
    return site / SHELL / Path(*(["s"] * (depth - 2))) / f"k{depth}" / "index.html"


_MARKS = re.compile(f"{MARK_TITLE}|{MARK_DESCRIPTION}|{MARK_URL}")


def _active_tab(html: str, depth: int, section: str) -> str:
    """The shell with the navigation tab of ``section`` marked as the current one."""
    link = f'href="{"../" * depth}{section}/" class="md-tabs__link"'
    tab = re.compile(r'<li class="md-tabs__item">(?=\s*<a ' + re.escape(link) + ")")
    return tab.sub('<li class="md-tabs__item md-tabs__item--active">', html, count=1)


def pour(site: Path, pages: list[Page]) -> None:
    """Write each record page into the shell of its depth and section: the page's title,
    description and address replace the shell's markers (head and header), its body the content."""
    shells: dict[tuple[int, str], tuple[list[str], list[str], list[str], list[str]]] = {}
    for page in pages:
        key = (page.depth, page.section)
        if key not in shells:
            html = shell_path(site, page.depth).read_text(encoding="utf-8")
            if MARK_BODY not in html:
                raise BuildError("Kerangka halaman MkDocs tidak memuat penanda konten; periksa tema di mkdocs.yml.")
            html = _active_tab(html, page.depth, page.section)
            before, after = html.split(MARK_BODY, 1)
            # text between markers, and which marker follows each piece
            shells[key] = (_MARKS.split(before), _MARKS.findall(before), _MARKS.split(after), _MARKS.findall(after))
        b_text, b_marks, a_text, a_marks = shells[key]
        values = {MARK_TITLE: _escape(page.title), MARK_DESCRIPTION: _escape(page.description or page.title),
                  MARK_URL: _escape(page.path)}  # fmt: skip
        target = site / page.path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(b_text, b_marks, values) + page.body + _fill(a_text, a_marks, values), encoding="utf-8")
    shutil.rmtree(site / SHELL)


def _fill(texts: list[str], marks: list[str], values: dict[str, str]) -> str:
    out = [texts[0]]
    for mark, text in zip(marks, texts[1:], strict=True):
        out.append(values[mark])
        out.append(text)
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_sitemap(site: Path, site_url: str | None, pages: list[str]) -> None:
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site / name).unlink(missing_ok=True)
    if not site_url:
        return
    base = site_url.rstrip("/") + "/"
    body = "".join(f"<url><loc>{_escape(base + p)}</loc></url>\n" for p in sorted(pages))
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</urlset>\n'
    (site / "sitemap.xml").write_text(xml, encoding="utf-8")
    with open(site / "sitemap.xml.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(xml.encode())


def write_robots(site: Path, site_url: str | None) -> None:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    (site / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_feed(site: Path, site_url: str | None, renderer: Renderer, history: History | None) -> None:
    """``feed.xml``: an Atom feed of the activities most recently approved (published or updated)."""
    if not site_url or history is None:
        return
    base = site_url.rstrip("/") + "/"
    dated = [(history.approved[a.ident], a) for a in renderer.model.activities if a.ident in history.approved]
    dated.sort(key=lambda pair: (pair[0][-1], pair[1].ident), reverse=True)
    entries = []
    for (first, last), a in dated[:FEED_SIZE]:
        url = _escape(base + f"kegiatan/{a.ident}/")
        kind = "Diperbarui" if last != first else "Dipublikasikan"
        entries.append(
            f'<entry><title>{_escape(a.title)}</title><link rel="alternate" type="text/html" href="{url}"/>'
            f"<id>{url}</id><published>{first.isoformat()}</published><updated>{last.isoformat()}</updated>"
            f"<summary>{_escape(f'{kind} {tanggal(last)}. ' + renderer.describe(a))}</summary></entry>\n"
        )
    updated = dated[0][0][-1].isoformat() if dated else "1970-01-01T00:00:00+00:00"
    name = _escape(renderer.model.config.pemda)
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="id">\n'
        f"<title>Metadata statistik sektoral {name}: kegiatan baru dan diperbarui</title>\n"
        f'<link rel="self" type="application/atom+xml" href="{_escape(base)}feed.xml"/>\n'
        f'<link rel="alternate" type="text/html" href="{_escape(base)}"/>\n'
        f"<id>{_escape(base)}feed.xml</id>\n<updated>{updated}</updated>\n<author><name>Walidata {name}</name></author>\n"
        + "".join(entries)
        + "</feed>\n"
    )
    (site / "feed.xml").write_text(xml, encoding="utf-8")


def _start_index(model: CatalogModel, site: Path) -> Callable[[], IndexStats]:
    """Start writing the search index in a forked child, so it runs beside the exports (both
    CPU-bound); the function returned waits for it. Without fork (Windows) it is written now."""
    if "fork" not in multiprocessing.get_all_start_methods():
        stats = write_index(model, site)
        return lambda: stats
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_index_child, args=(model, site, send), daemon=True)
    child.start()
    send.close()

    def finish() -> IndexStats:
        try:
            answer = receive.recv()
        except EOFError:
            answer = f"proses pembuat indeks berhenti (kode {child.exitcode})"
        child.join()
        if not isinstance(answer, IndexStats):
            raise BuildError(f"Indeks pencarian gagal dibuat: {answer}")
        return answer

    return finish


def _index_child(model: CatalogModel, site: Path, send) -> None:
    try:
        send.send(write_index(model, site))
    except BaseException as exc:  # reported by the parent as a build error
        send.send(f"{type(exc).__name__}: {exc}")


def build_site(
    root: Path, model: CatalogModel, out: Path, site_url: str | None = None, history: History | None = None
) -> BuildResult:
    """Build the portal for ``model`` into ``out`` (replaced atomically). ``site_url`` (default:
    ``url_situs`` of katalog.yaml) starts every absolute link: canonical links, Open Graph tags, the
    sitemap, the feed and the exports; ``history`` (pipeline.publish.history) gives the dates, the
    change logs and the revision marks."""
    started = time.perf_counter()
    root, out = Path(root), Path(out).resolve()
    if site_url:
        model.config = with_site_url(model.config, site_url)
    site_url = model.config.url_situs  # canonical links, sitemap, JSON-LD and exports share one base
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"mkdocs.yml tidak ditemukan di {root}.")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        renderer = Renderer(model, history)
        t = time.perf_counter()
        pages = renderer.pages()
        render_seconds = time.perf_counter() - t
        prepare_docs(root, work / "docs", renderer, {p.depth for p in pages})
        editor.prepare_docs(work / "docs")
        charts_drawn = draw_later(renderer.charts)  # in a thread, while MkDocs builds
        overrides = {"docs_dir": str(work / "docs"), "site_dir": str(work / "site")}
        if site_url:
            overrides["site_url"] = site_url
        t = time.perf_counter()
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        # no build date in the output: the same catalog always gives byte-identical files
        with _env(SOURCE_DATE_EPOCH=0):
            config = load_config(config_file=str(config_file), **overrides)
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
            config["extra"]["sd_api"] = (work / "docs" / "api.md").is_file() or (work / "docs/api/index.md").is_file()
            config["extra"]["lisensi"] = dict(model.config.lisensi)
            if model.internal:
                config["site_name"] = f"{config['site_name']} (Internal)"
            mkdocs_build(config)
        mkdocs_seconds = time.perf_counter() - t
        site = work / "site"
        t = time.perf_counter()
        pour(site, pages)
        charts_drawn()
        _fill_charts(site, renderer)
        render_seconds += time.perf_counter() - t
        folders = (f.parent.relative_to(site).as_posix() for f in site.rglob("index.html"))
        write_sitemap(site, site_url, ["" if d == "." else d + "/" for d in folders])
        write_robots(site, site_url)
        write_feed(site, site_url, renderer, history)
        t = time.perf_counter()
        finish_index = _start_index(model, site)  # in a child process, while this one writes the exports
        try:
            exports = write_exports(model, site)
        finally:
            search = finish_index()
        index_and_export_seconds = time.perf_counter() - t
        editor_result = editor.write_editor(site, root, model.schemas, editor.site_config(model.config.repositori))
        (site / SITE_MARKER).write_text(
            "Dibangun oleh satudata build; folder ini diganti seluruhnya saat dibangun ulang.\n"
        )
        _swap(site, out)
        count = sum(1 for _ in out.rglob("index.html"))
        return BuildResult(out, count, len(pages), time.perf_counter() - started,
                           mkdocs_seconds, render_seconds, index_and_export_seconds, exports, search,
                           editor_result)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fill_charts(site: Path, renderer: Renderer) -> None:
    page = site / "dasbor" / "index.html"
    html = page.read_text(encoding="utf-8")
    for chart in renderer.charts:
        html = html.replace(chart.marker, chart.svg)
    page.write_text(html, encoding="utf-8")


def _swap(new: Path, out: Path) -> None:
    """Replace ``out`` with ``new``: two renames, never a half-written folder at ``out``. Only an
    earlier build (it holds :data:`SITE_MARKER`) or an empty folder is replaced."""
    old = None
    if out.exists() and not (out.is_dir() and ((out / SITE_MARKER).is_file() or not any(out.iterdir()))):
        raise BuildError(f"{out} bukan hasil satudata build sebelumnya; folder itu tidak diganti.")
    if out.exists():
        old = out.with_name(f".{out.name}-lama-{os.getpid()}")
        out.rename(old)
    new.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
