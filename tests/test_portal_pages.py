"""Every page type of the public portal in a real Chromium: fits a 360 px phone, passes axe-core and
the Nu HTML Checker, downloads that parse, faceted search with spelling suggestions, and an approved
activity that stays published (at its approved text) while a revision is under review.

The catalog is a real git repository: the approved version is read from its history. Screenshots of
every page type at 1366 and 360 px go to $SATUDATA_LAYAR (default: a temporary folder).
axe-core and vnu-jar come from npm (node_modules/, or $SATUDATA_NODE_MODULES); vnu needs a JRE.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import socket
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import ACTIVITY, KOMPROMIN, PUBLIC_ALUR, SURVEI, VARIABEL, PortalBuilder, ev, events
from playwright.sync_api import expect, sync_playwright
from webtools import CHROMIUM, CHROMIUM_ARGS, axe, vnu

REVISED = "metadata/dinkes/2025-survei-kepuasan"
APPROVED_TEXT = "Survei kepuasan disusun untuk mengukur layanan puskesmas."
REVISED_TEXT = "Teks revisi yang belum disetujui BPS."

PAGES = {  # page type → path
    "beranda": "",
    "kegiatan": "kegiatan/dinkes/2025-profil-kesehatan/",
    "kegiatan-direvisi": "kegiatan/dinkes/2025-survei-kepuasan/",
    "indikator": "indikator/dinkes/2025-profil-kesehatan/angka-kematian-bayi/",
    "daftar-kegiatan": "kegiatan/",
    "opd": "opd/dinkes/",
    "daftar-opd": "opd/",
    "sektor": "sektor/kesehatan/",
    "tahun": "tahun/2025/",
    "dasbor": "dasbor/",
    "cari": "cari/?q=kesehatan",
    "petunjuk": "petunjuk/ms-keg/",
    "panduan": "panduan/opd/",
    "404": "tidak-ada/",
}


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages does: a missing page gets the site's own 404.html."""

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _catalog(root: Path) -> PortalBuilder:
    """Two editions of an activity, a revised survey (approved, then edited), a draft; in git."""
    builder = PortalBuilder(root)
    builder.write(f"{ACTIVITY}/variabel/email-petugas.yaml",
                  VARIABEL | {"nama": "Alamat surel petugas pencatat kelahiran", "satuan": "orang",
                              "definisi": "kontak.petugas.pencatatan-kelahiran-puskesmas@dinkes.pasuruankab.go.id"})  # fmt: skip
    builder.write(f"{ACTIVITY}/variabel/penduduk-sasaran.yaml",
                  VARIABEL | {"nama": "Jumlah penduduk sasaran imunisasi", "definisi": "Penduduk usia sasaran."})  # fmt: skip
    older = KOMPROMIN | {"tahun": 2024, "alur": PUBLIC_ALUR}
    older["perencanaan"] = older["perencanaan"] | {"jadwal": yaml.safe_load(
        yaml.safe_dump(KOMPROMIN["perencanaan"]["jadwal"]).replace("2025-", "2024-"))}  # fmt: skip
    builder.write("metadata/dinkes/2024-profil-kesehatan/kegiatan.yaml", older)
    survei = SURVEI | {"judul_kegiatan": "Survei Kepuasan Layanan Puskesmas", "alur": events(1, 2, 3, 6, 7, 8, 9, 11)}
    survei["perencanaan"] = survei["perencanaan"] | {"latar_belakang": APPROVED_TEXT}
    builder.write(f"{REVISED}/kegiatan.yaml", survei)
    builder.write(f"{REVISED}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "-c", "user.name=Uji", "-c", "user.email=uji@example.org", "add", "-A")
    _git(root, "-c", "user.name=Uji", "-c", "user.email=uji@example.org", "commit", "-q", "-m", "disetujui")
    # the OPD revises the approved survey: a new review cycle (step 7), not approved yet
    revised = json.loads(json.dumps(survei))
    revised["perencanaan"]["latar_belakang"] = REVISED_TEXT
    revised["alur"]["riwayat"].append(ev(7, "2025-03-10 09:00", catatan="Revisi latar belakang"))
    builder.write(f"{REVISED}/kegiatan.yaml", revised)
    _git(root, "-c", "user.name=Uji", "-c", "user.email=uji@example.org", "commit", "-qam", "revisi")
    return builder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The public and the internal site, each served at the address it was built for."""
    builder = _catalog(tmp_path_factory.mktemp("katalog"))
    urls = {}
    servers = []
    for name, args in (("publik", ()), ("internal", ("--internal",))):
        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        site = builder.build(*args, "--url-situs", url, out=f"site-{name}")
        server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietHandler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = (site, url)
    yield urls
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("SATUDATA_LAYAR") or tmp_path_factory.mktemp("layar"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
    return context, context.new_page()


def _settled(page):
    if "/cari/" in page.url:
        expect(page.locator(".sd-cari__pesan")).to_contain_text("hasil")


@pytest.mark.parametrize("width", [360, 1366])
def test_no_page_type_scrolls_sideways(browser, built, shots, width):
    site, url = built["publik"]
    context, page = _page(browser, width)
    wide = {}
    for name, path in PAGES.items():
        page.goto(url + path)
        _settled(page)
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True, animations="disabled")
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            wide[name] = scroll
    context.close()
    assert wide == {}


def test_internal_sop_log_names_steps_local_times_and_who_acts_next(browser, built, shots):
    site, url = built["internal"]
    context, page = _page(browser, 360)
    page.goto(url + "kegiatan/dinkes/2025-survei-kepuasan/")
    log = page.locator(".sd-alur")
    expect(log).to_contain_text("Langkah 11 · BPS menyetujui")
    expect(log).to_contain_text("10-03-2025 09:00")  # the event's own time, in WIB
    expect(log).to_contain_text("Yang harus bertindak: Walidata")
    expect(page.locator(".sd-alur caption")).to_contain_text("WIB")
    page.screenshot(path=str(shots / "internal-kegiatan-360.png"), full_page=True, animations="disabled")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()


def test_every_download_of_an_activity_parses(browser, built):
    from xml.etree import ElementTree

    import openpyxl
    import rdflib

    site, url = built["publik"]
    context, page = _page(browser, 1366)
    page.goto(url + PAGES["kegiatan"])
    links = page.locator(".sd-unduh__daftar a")
    assert links.count() >= 1
    formats = set()
    for i in range(links.count()):
        link = links.nth(i)
        fmt = link.get_attribute("data-format")
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.ok, link.get_attribute("href")
        body = response.body()
        if fmt == "JSON":
            assert json.loads(body)
        elif fmt == "JSON-LD":
            assert len(rdflib.Graph().parse(data=body, format="json-ld")) > 0
        elif fmt == "CSV":
            assert len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) >= 2
        elif fmt == "XLSX":
            assert openpyxl.load_workbook(io.BytesIO(body), read_only=True).sheetnames
        elif fmt == "XML":
            assert ElementTree.fromstring(body) is not None
        else:
            pytest.fail(f"format unduhan tidak dikenal uji ini: {fmt}")
        formats.add(fmt)
    assert "JSON" in formats
    expect(page.locator(".sd-unduh")).to_contain_text("CC-BY-4.0")
    expect(page.locator(".sd-unduh")).to_contain_text("Terakhir diperbarui")
    expect(page.locator(".sd-unduh a", has_text="2024")).to_have_attribute(
        "href", "../../../kegiatan/dinkes/2024-profil-kesehatan/"
    )
    context.close()


def test_facets_narrow_the_results(browser, built):
    site, url = built["publik"]
    context, page = _page(browser, 1366)
    page.goto(url + "cari/?q=kabupaten")
    status = page.locator(".sd-cari__pesan")
    expect(status).to_contain_text("hasil untuk “kabupaten”")
    total = page.locator(".sd-cari__item").count()
    year = page.locator(".sd-saring input[name=tahun][value='2024']")
    year.check()
    expect(status).to_contain_text("sesuai saringan")
    titles = page.locator(".sd-cari__judul").all_inner_texts()
    assert 0 < len(titles) < total and all("2024)" in t for t in titles)
    assert "tahun=2024" in page.url
    page.reload()  # the choice is in the address
    expect(page.locator(".sd-saring input[name=tahun][value='2024']")).to_be_checked()
    expect(page.locator(".sd-cari__item")).to_have_count(len(titles))
    context.close()


def test_a_misspelt_word_suggests_the_catalog_word(browser, built):
    site, url = built["publik"]
    context, page = _page(browser, 1366)
    page.goto(url + "cari/?q=kelahrian")
    expect(page.locator(".sd-cari__saran")).to_have_text(
        "Tidak ada hasil untuk “kelahrian”. Mungkin maksud Anda: kelahiran?"
    )
    expect(page.locator(".sd-cari__pesan")).to_contain_text("hasil untuk “kelahiran”")
    page.goto(url + "cari/?q=sapi")
    expect(page.locator(".sd-cari__pesan")).to_have_text("Tidak ada hasil untuk “sapi”.")
    expect(page.locator(".sd-cari__kosong")).to_be_visible()
    expect(page.locator(".sd-cari__kosong a", has_text="OPD")).to_be_visible()
    context.close()


def test_an_approved_activity_stays_published_while_revised(browser, built):
    site, url = built["publik"]
    context, page = _page(browser, 1366)
    page.goto(url + PAGES["kegiatan-direvisi"])
    expect(page.locator(".sd-direvisi")).to_contain_text("Sedang direvisi")
    expect(page.locator(".sd-kegiatan")).to_contain_text(APPROVED_TEXT)
    expect(page.locator(".sd-kegiatan")).not_to_contain_text(REVISED_TEXT)
    expect(page.locator("#riwayat-versi + p + ol")).to_contain_text("Disetujui BPS")
    export = (site / "api/kegiatan/dinkes/2025-survei-kepuasan.json").read_text()
    assert APPROVED_TEXT in export and REVISED_TEXT not in export
    page.goto(url + "cari/?q=revisi+belum+disetujui")
    expect(page.locator(".sd-cari__pesan")).to_contain_text("Tidak ada hasil")
    context.close()


def test_head_of_record_pages_names_the_real_address(built):
    site, url = built["publik"]
    html = (site / PAGES["kegiatan"] / "index.html").read_text()
    assert f'<link rel="canonical" href="{url}{PAGES["kegiatan"]}">' in html
    assert f'<meta property="og:url" content="{url}{PAGES["kegiatan"]}">' in html
    assert '<meta name="description" content="Kompilasi Produk Administrasi Profil Kesehatan' in html
    assert "_kerangka" not in html
    assert 'class="md-tabs__item md-tabs__item--active">' in html
    for name, path in PAGES.items():  # a skip link on every page type, to the content
        page = site / ("404.html" if name == "404" else path.split("?")[0] + "index.html")
        assert page.read_text().count('<a href="#isi" class="md-skip">') == 1, name
    guide = (site / PAGES["panduan"] / "index.html").read_text()
    assert "Permanent link" not in guide and 'title="Tautan ke bagian ini"' in guide  # theme strings in Indonesian
    assert 'class="md-path"' in guide  # breadcrumbs: Beranda › Panduan
    assert "Made with" not in guide and "Dibuat dengan" in guide
    robots = (site / "robots.txt").read_text()
    assert f"Sitemap: {url}sitemap.xml" in robots
    import xml.etree.ElementTree as ET

    feed = ET.fromstring((site / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    links = [e.find(f"{atom}link").get("href") for e in feed.findall(f"{atom}entry")]
    assert url + "kegiatan/dinkes/2025-survei-kepuasan/" in links and len(links) == 3


def test_axe_finds_no_violation_on_any_page_type(browser, built):
    site, url = built["publik"]
    found = {}
    for width in (360, 1366):
        context, page = _page(browser, width)
        for name, path in PAGES.items():
            page.goto(url + path)
            _settled(page)
            for v in axe(page, resultTypes=["violations"])["violations"]:
                found.setdefault(f"{name}@{width}", []).append((v["id"], [n["target"] for n in v["nodes"]][:3]))
        context.close()
    assert found == {}


def test_nu_html_checker_finds_no_error_on_any_page_type(built):
    site, url = built["publik"]
    files = [site / path.split("?")[0] / "index.html" for name, path in PAGES.items() if name != "404"]
    report = vnu(*files, site / "404.html")
    errors = [(Path(m.get("url", "")).parent.name, m.get("message"), m.get("extract", "")[:80])
              for m in report["messages"] if m.get("type") == "error"]  # fmt: skip
    assert errors == []
