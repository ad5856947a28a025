"""The built portal in a real Chromium (Debian's, driven by Playwright): search, navigation, drafts."""

from __future__ import annotations

import functools
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
    box = page.locator(".pagefind-ui__search-input")
    box.fill(query)
    return page.locator(".pagefind-ui__message")


def test_search_finds_a_known_variable(page, portal_url):
    message = search(page, portal_url, "bidan praktik")
    expect(message).to_contain_text("1 hasil")
    result = page.locator(".pagefind-ui__result-link").first
    expect(result).to_contain_text("Kompilasi Produk Administrasi Profil Kesehatan")
    page.locator(".pagefind-ui__result-nested a", has_text="Jumlah bidan praktik mandiri").first.click()
    expect(page.locator("#variabel-jumlah-bidan-praktik")).to_be_visible()
    assert page.url.endswith("/kegiatan/dinkes/2025-profil-kesehatan/#variabel-jumlah-bidan-praktik")


def test_home_search_box_opens_results(page, portal_url):
    page.goto(portal_url)
    page.fill("#q", "angka kematian bayi")
    page.click(".sd-cari-beranda button")
    expect(page.locator(".pagefind-ui__message")).to_contain_text("hasil")
    expect(page.locator(".pagefind-ui__result-link").first).to_contain_text("Angka Kematian Bayi")


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
    expect(search(page, portal_url, "Draf Rahasia")).to_have_text("Draf Rahasia tidak ditemukan")
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
        expect(search(page, portal_url, word)).to_have_text(f"{word} tidak ditemukan")
