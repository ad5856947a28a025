"""Portal build speed and search cost: this project's build vs plain mkdocs-material pages.

    python benchmarks/portal.py --kegiatan 100 1000 [--material-max 1000] [--queries 7]

For each size it generates a synthetic catalog (benchmarks/generate.py), then measures:
- our build (`satudata build`): seconds, record pages per second, search index bytes;
- the same record pages written as plain Markdown and built by MkDocs with the Material theme
  and Material's own search plugin (only up to --material-max activities: it is slow);
- in Debian's Chromium (Playwright), for a set of queries: milliseconds until results show and
  bytes transferred by the search per query, for our search (pencarian/cari.js) and for
  Material's search.
Prints one table; medians over the queries. Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import functools
import resource
import shutil
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generate import REPO, VOCABULARY, generate
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from pipeline.contract.schema import Schemas
from pipeline.publish.history import read_history
from pipeline.publish.model import build_model
from pipeline.publish.search import write_index
from pipeline.publish.site import build_site
from pipeline.read.catalog import load_catalog

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def plain_material(root: Path, model, out: Path) -> tuple[float, int]:
    """The baseline: every record page as a Markdown file through MkDocs + Material + search."""
    docs = root / "plain-docs"
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Katalog\n")
    pages = 0
    for a in model.activities:
        lines = [f"# {a.title}\n", f"{model.opds[a.opd].name} · {a.year} · {a.sector}\n"]
        lines += [f"- **{k}**: {v}" for k, v in a.data.items() if isinstance(v, (str, int))]
        for v in a.variables:
            lines += [f"\n### {v.name}\n"] + [f"- **{k}**: {val}" for k, val in v.data.items() if k != "nama"]
        path = docs / "kegiatan" / a.ident / "index.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        pages += 1
        for i in a.indicators:
            ipath = docs / "indikator" / i.ident / "index.md"
            ipath.parent.mkdir(parents=True, exist_ok=True)
            ipath.write_text(f"# {i.name}\n\n" + "\n".join(f"- **{k}**: {v}" for k, v in i.data.items()) + "\n")
            pages += 1
    config_file = root / "plain-mkdocs.yml"
    config_file.write_text(
        "site_name: Baseline\ntheme:\n  name: material\n  language: id\n  font: false\nplugins:\n  - search\n"
        "markdown_extensions:\n  - toc:\n      permalink: true\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    mkdocs_build(load_config(config_file=str(config_file), docs_dir=str(docs), site_dir=str(out)))
    return time.perf_counter() - started, pages


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure_ours(browser, url: str, queries: list[str]) -> list[dict]:
    """Per query, in a fresh browser context (nothing cached): the engine through its JS API
    (search + the top 10 pages' text), the same query again, and the search page from the input
    event to the result count shown (its 120 ms typing pause included, results drawn); bytes
    fetched from pencarian/."""
    engine = """async (q) => { const m = await import('/pencarian/cari.js');
        let t0 = performance.now(); const idx = await m.Index.open(); const ready = performance.now() - t0;
        const timed = async () => { const t = performance.now(); const r = await idx.search(q);
            await Promise.all(r.results.slice(0, 10).map((x) => idx.fragment(x.id)));
            return [performance.now() - t, r.total]; };
        const [cold, total] = await timed(); const [warm] = await timed();
        return {ready, cold, warm, total}; }"""
    typed = """(q) => new Promise((done) => { const status = document.querySelector('.sd-cari__pesan');
        const box = document.querySelector('#sd-cari-kata'); const t0 = performance.now();
        new MutationObserver(() => status.textContent.includes('hasil') && done(performance.now() - t0))
            .observe(status, { childList: true, characterData: true, subtree: true });
        box.value = q; box.dispatchEvent(new Event('input', { bubbles: true })); })"""
    rows = []
    fetched: list[int] = []
    for q in queries:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("response", lambda r: "/pencarian/" in r.url and fetched.append(len(r.body())))
        page.goto(url + "cari/")
        page.wait_for_load_state("networkidle")
        fetched.clear()
        row = page.evaluate(engine, q) | {"query": q}
        page.wait_for_timeout(100)
        row["bytes"] = sum(fetched)
        context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url + "cari/")
        page.wait_for_load_state("networkidle")
        row["ui"] = page.evaluate(typed, q)
        context.close()
        rows.append(row)
        print({k: round(v) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
    return rows


def measure_material(browser, url: str, queries: list[str]) -> tuple[list[float], list[int]]:
    """Per query: ms from typing to first highlighted result, bytes fetched. Material loads its
    whole index when the page loads; the first query pays for it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    fetched: list[int] = []
    page.on("response", lambda r: "search" in r.url and fetched.append(len(r.body())))
    times, sizes = [], []
    page.goto(url)
    box = "input.md-search__input"
    shown = """(q) => { const m = document.querySelector('.md-search-result__item mark');
                        return m && m.textContent.toLowerCase().startsWith(q); }"""
    for q in queries:
        page.click(box)
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.wait_for_timeout(300)
        started = time.perf_counter()
        page.keyboard.type(q)
        page.wait_for_function(shown, arg=q, timeout=120_000, polling=10)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(sum(fetched))
        fetched.clear()
    context.close()
    return times, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kegiatan", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--material-max", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=7)
    parser.add_argument("--tanpa-peramban", action="store_true", help="skip the Chromium query measurements")
    parser.add_argument("--simpan", type=Path, help="keep the built site here (the last size's)")
    parser.add_argument(
        "--hanya-cari",
        action="store_true",
        help="build the pages of one activity only, then the whole catalog's search index: measures the search "
        "without the full build (which takes ≈ 40 min at 10k on 2 busy cores)",
    )
    parser.add_argument("--dua-kata", action="store_true", help="two-word queries instead of one common word")
    parser.add_argument("--kata", nargs="+", help="ask these queries instead of words picked by frequency rank")
    parser.add_argument(
        "--katalog", type=Path, help="use this existing catalog (of --kegiatan activities) instead of generating"
    )
    args = parser.parse_args()
    # words by frequency rank in the generator's Zipf vocabulary: from very common to rare
    ranks = [5, 20, 60, 150, 400, 900, 2000][: args.queries]
    if args.dua_kata:  # two words that must both match
        queries = [f"{VOCABULARY[r]} {VOCABULARY[r // 2 + 1]}" for r in ranks]
    else:
        queries = [VOCABULARY[r] for r in ranks]
    queries = args.kata or queries

    rows = []
    browser = pw = None
    if not args.tanpa_peramban:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
    for n in args.kegiatan:
        with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
            root = Path(tmp)
            if args.katalog:
                shutil.copytree(args.katalog / "metadata", root / "metadata")
                shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
                shutil.copytree(REPO / "docs", root / "docs")
            else:
                generate(root, n)
            schemas = Schemas.find(root)
            catalog = load_catalog(root)
            started = time.perf_counter()
            history = read_history(catalog, schemas)  # as `satudata build` does
            history_seconds = time.perf_counter() - started
            model = build_model(history.catalog, schemas)
            if args.hanya_cari:
                one = replace(model, activities=model.activities[:1])
                ours = build_site(root, one, root / "site", history=history)
                ours.search = write_index(model, root / "site")
                ours.record_pages = ours.search.documents
            else:
                ours = build_site(root, model, root / "site", history=history)
            row = {
                "kegiatan": n,
                "halaman": ours.record_pages,
                "build_s": ours.seconds,
                "history_s": history_seconds,
                "render_ms_per_page": 1000 * ours.render_seconds / ours.record_pages,
                "index_and_exports_s": ours.index_and_export_seconds,
                "index_bytes": ours.search.bytes,
                "facet_bytes": next((root / "site/pencarian").glob("*/f.cari")).stat().st_size,
                "index_words": ours.search.words,
                "index_postings": ours.search.postings,
                "index_shards": ours.search.shards,
                "site_bytes": folder_bytes(root / "site"),
                "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
            if n <= args.material_max:
                seconds, pages = plain_material(root, model, root / "plain")
                row |= {"material_s": seconds, "material_ms_per_page": 1000 * seconds / pages,
                        "material_index_bytes": (root / "plain/search/search_index.json").stat().st_size}  # fmt: skip
                row["speedup_per_page"] = row["material_ms_per_page"] / (1000 * ours.seconds / ours.record_pages)
            if browser is not None:
                server, url = serve(root / "site")
                asked = measure_ours(browser, url, queries)
                server.shutdown()
                for key in ("ready", "cold", "warm", "ui", "bytes"):
                    values = [a[key] for a in asked]
                    row |= {f"search_{key}_median": statistics.median(values), f"search_{key}_max": max(values)}
                if n <= args.material_max:
                    server, url = serve(root / "plain")
                    t, s = measure_material(browser, url, queries)
                    server.shutdown()
                    row |= {"material_first_ms": t[0], "material_query_ms": statistics.median(t),
                            "material_first_bytes": s[0], "material_query_bytes": statistics.median(s)}  # fmt: skip
            if args.simpan:
                shutil.rmtree(args.simpan, ignore_errors=True)
                shutil.copytree(root / "site", args.simpan)
            rows.append(row)
            print({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
    if browser is not None:
        browser.close()
        pw.stop()


if __name__ == "__main__":
    main()
