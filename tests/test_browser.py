"""The built portal in a real Chromium (Debian's, driven by Playwright): search, navigation, drafts."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import ACTIVITY, VARIABEL, PortalBuilder
from playwright.sync_api import expect, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def portal_url(tmp_path_factory):
    builder = PortalBuilder(tmp_path_factory.mktemp("portal"))
    builder.write(
        f"{ACTIVITY}/variabel/jumlah-bidan-praktik.yaml",
        VARIABEL | {"nama": "Jumlah bidan praktik mandiri", "definisi": "Bidan yang membuka praktik mandiri berizin."},
    )
    builder.write(
        f"{ACTIVITY}/variabel/cakupan-imunisasi.yaml",
        VARIABEL
        | {"nama": 'Cakupan imunisasi <img src=x onerror="window.diserang=1">', "definisi": "Imunisasi dasar."},
    )
    site = builder.build()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID")
    pg = context.new_page()
    yield pg
    context.close()


def search(page, url, query):
    page.goto(url + "cari/")
    page.locator("#sd-cari-kata").fill(query)
    return page.locator(".sd-cari__pesan")


def test_search_finds_a_known_variable(page, portal_url):
    message = search(page, portal_url, "bidan praktik")
    expect(message).to_have_text("1 hasil untuk “bidan praktik”")
    result = page.locator(".sd-cari__judul").first
    expect(result).to_contain_text("Kompilasi Produk Administrasi Profil Kesehatan")
    expect(page.locator(".sd-cari__hasil mark").first).to_have_text(re.compile("bidan", re.I))
    page.locator(".sd-cari__bagian a", has_text="Jumlah bidan praktik mandiri").click()
    expect(page.locator("#variabel-jumlah-bidan-praktik")).to_be_visible()
    assert page.url.endswith("/kegiatan/dinkes/2025-profil-kesehatan/#variabel-jumlah-bidan-praktik")


def test_unfinished_capitalized_and_accented_words_match(page, portal_url):
    expect(search(page, portal_url, "BÍDAN prakt")).to_have_text("1 hasil untuk “BÍDAN prakt”")
    assert "q=B%C3%8DDAN+prakt" in page.url  # the address can be shared
    page.reload()
    expect(page.locator("#sd-cari-kata")).to_have_value("BÍDAN prakt")
    expect(page.locator(".sd-cari__pesan")).to_have_text("1 hasil untuk “BÍDAN prakt”")


def test_every_word_must_match(page, portal_url):
    expect(search(page, portal_url, "bidan posyandu")).to_have_text("Tidak ada hasil untuk “bidan posyandu”.")
    expect(page.locator(".sd-cari__item")).to_have_count(0)
    expect(page.locator(".sd-cari__kosong")).to_be_visible()  # what to try instead


def test_home_search_box_opens_results(page, portal_url):
    page.goto(portal_url)
    page.fill("#q", "angka kematian bayi")
    page.click(".sd-cari-beranda button")
    expect(page.locator(".sd-cari__pesan")).to_contain_text("hasil untuk “angka kematian bayi”")
    expect(page.locator(".sd-cari__judul").first).to_contain_text("Angka Kematian Bayi")


def test_every_page_has_a_search_box_in_its_header(page, portal_url):
    page.goto(portal_url + "indikator/dinkes/2025-profil-kesehatan/angka-kematian-bayi/")
    box = page.locator(".sd-cari-kepala input")
    box.fill("bidan praktik")
    box.press("Enter")
    expect(page.locator(".sd-cari__pesan")).to_have_text("1 hasil untuk “bidan praktik”")
    assert page.url == portal_url + "cari/?q=bidan+praktik"
    expect(page.locator(".sd-cari-kepala")).to_have_count(0)  # the Cari page has its own box


def test_navigation_by_opd(page, portal_url):
    page.goto(portal_url)
    page.locator(".md-tabs__link", has_text="OPD").click()
    page.get_by_role("link", name="Dinas Kesehatan Kabupaten Pasuruan").click()
    page.get_by_role("link", name="Kompilasi Produk Administrasi Profil Kesehatan Kabupaten Pasuruan").click()
    expect(page.locator("h1")).to_have_text("Kompilasi Produk Administrasi Profil Kesehatan Kabupaten Pasuruan")
    page.get_by_role("link", name="Angka Kematian Bayi").click()
    expect(page.locator("h1")).to_have_text("Angka Kematian Bayi")
    expect(page.locator(".sd-rumus math")).to_be_visible()


def test_draft_activity_is_absent(page, portal_url):
    expect(search(page, portal_url, "Draf Rahasia")).to_contain_text("Tidak ada hasil untuk “Draf Rahasia”")
    page.goto(portal_url + "kegiatan/")
    expect(page.locator("table")).not_to_contain_text("Survei Draf Rahasia")
    response = page.goto(portal_url + "kegiatan/dinkes/2025-survei-draf/")
    assert response.status == 404


def test_form_labels_and_coded_options_are_not_searched(page, portal_url):
    # "Frekuensi Penyelenggaraan" labels an item of every activity page, the option "Cross
    # Sectional" is the value of many, and section headings repeat on all; free text is indexed
    page.goto(portal_url + "kegiatan/dinkes/2025-profil-kesehatan/")
    expect(page.locator("dt", has_text="Frekuensi")).to_have_count(1)
    expect(page.locator("dd", has_text="Cross Sectional").first).to_be_visible()
    expect(page.locator("h2", has_text="Metadata Statistik Variabel")).to_be_visible()
    for word in ("frekuensi", "sectional", "metadata"):
        expect(search(page, portal_url, word)).to_contain_text(f"Tidak ada hasil untuk “{word}”")


def test_markup_in_metadata_is_shown_as_text_in_results(page, portal_url):
    expect(search(page, portal_url, "imunisasi")).to_contain_text("1 hasil")
    expect(page.locator(".sd-cari__bagian a").first).to_contain_text('<img src=x onerror="window.diserang=1">')
    assert page.locator(".sd-cari__hasil img").count() == 0
    assert page.evaluate("window.diserang") is None


TRICKY = ["Angka Kematian Bayi (AKB), 2025", "Pérempuan ibu_hamil ℌ ǅ", "İstanbul ΣΑΣ straße", "x" * 40,
          "١٢٣ ৪৫ ½ Ⅻ", "e\u0301 ﬁ ㎏ 𝐀𝐁", "café–naïve—coöp", "नमस्ते 中文 ไทย"]  # fmt: skip


# letters, digits, marks, punctuation and compatibility forms from scripts stable since Unicode 6
ALPHABET = "".join(
    chr(c) for lo, hi in [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x391, 0x3C9), (0x400, 0x45F),
                          (0x660, 0x669), (0x900, 0x97F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x2150, 0x218F),
                          (0x3000, 0x303F), (0x4E00, 0x4E3F), (0xFB00, 0xFB06), (0xFF01, 0xFF5E)]
    for c in range(lo, hi + 1)
)  # fmt: skip


def test_browser_and_build_split_words_alike(page, portal_url):
    """The index is built with pipeline.publish.search.words and queried with cari.js's words(): a word
    split or folded differently would never be found."""
    import random

    from pipeline.publish.search import words

    draw = random.Random(20261128)
    texts = TRICKY + ["".join(draw.choices(ALPHABET, k=draw.randint(1, 40))) for _ in range(2000)]
    page.goto(portal_url + "cari/")
    split = page.evaluate(
        "async (texts) => { const m = await import('../pencarian/cari.js'); return texts.map(m.words); }", texts
    )
    differ = [(t, js, words(t)) for t, js in zip(texts, split, strict=True) if js != words(t)]
    assert differ == []


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    """The project's own sample catalog (metadata/), built: more pages than one page of results."""
    from conftest import REPO

    root = tmp_path_factory.mktemp("contoh")
    for name in ("metadata", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    from click.testing import CliRunner

    from pipeline.cli import main

    site = root / "site"
    result = CliRunner().invoke(main, ["build", str(root), "--keluar", str(site)])
    assert result.exit_code == 0, result.output
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def scan(root, query):
    """Pages holding every query word (or a word it begins), by reading every document."""
    from pipeline.contract.schema import Schemas
    from pipeline.publish.model import build_model
    from pipeline.publish.search import documents, words
    from pipeline.read.catalog import load_catalog

    asked = set(words(query))
    found = set()
    for doc in documents(build_model(load_catalog(root), Schemas.find(root))):
        text = " ".join([doc.name, *(s.heading + " " + " ".join(s.text) for s in doc.sections)])
        have = set(words(text))
        if all(any(w.startswith(a) for w in have) for a in asked):
            found.add(doc.url)
    return found


@pytest.mark.parametrize("query", ["kabupaten", "jumlah penduduk", "pendu", "kematian bayi", "data 2025"])
def test_results_are_exactly_the_pages_holding_every_word(page, sample_url, query):
    root, url = sample_url
    expected = scan(root, query)
    page.goto(url + "cari/?q=" + query.replace(" ", "+"))
    expect(page.locator(".sd-cari__pesan")).to_contain_text("hasil untuk")
    more = page.locator(".sd-cari__lagi")
    while more.is_visible():
        shown = page.locator(".sd-cari__item").count()
        more.click()
        expect(page.locator(".sd-cari__item")).not_to_have_count(shown)
    links = page.locator(".sd-cari__judul").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert sorted(link.removeprefix(url) for link in links) == sorted(expected)
    assert len(expected) > 0
    if query == "kabupaten":
        assert len(expected) > 10  # more than one page of results was asked for
    count = len(expected)
    expect(page.locator(".sd-cari__pesan")).to_have_text(f"{count} hasil untuk “{query}”")
