"""`satudata build`: what the public portal shows, and what it must never show."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
import zipfile
from html.parser import HTMLParser

from click.testing import CliRunner
from conftest import ACTIVITY, INDIKATOR, KOMPROMIN, PUBLIC_ALUR, VARIABEL, ev

from pipeline.cli import main


def texts(site):
    """Every text file of the built site (HTML, JS, JSON, XML, CSV, CSS), the search index inflated,
    and every part of every workbook (XLSX is zipped XML)."""
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".js", ".json", ".jsonld", ".csv", ".xml", ".css", ".txt"}:
            yield path, path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".cari":
            yield path, gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                yield path, "".join(book.read(n).decode("utf-8", errors="replace") for n in book.namelist())


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems, self._tag, self._attrs, self._script = [], None, {}, ""

    def handle_starttag(self, tag, attrs):
        self._tag, self._attrs, self._script = tag, dict(attrs), ""
        if tag in ("b", "i") or (tag == "img" and not (dict(attrs).get("src") or "").endswith(".png")):
            self.problems.append(f"<{tag}>")  # the guides' own screenshots are PNG files of the site
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self._tag == "script":
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script.strip():
            if self._attrs.get("type") == "application/ld+json":
                json.loads(self._script)  # JSON-LD must stay one intact JSON document
            elif "alert" in self._script:
                self.problems.append(f"script: {self._script[:40]}")
        self._tag, self._script = None, ""


def assert_no_injected_markup(text, path):
    parser = _Markup()
    parser.feed(text)
    assert parser.problems == [], f"{path}: {parser.problems}"


def assert_pages_have_no_injected_markup(site):
    for path, text in texts(site):
        if path.suffix == ".html":
            assert_no_injected_markup(text, path)


def digest(site):
    h = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        h.update(path.relative_to(site).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_public_pages_in_form_order(portal):
    site = portal.build()
    page = (site / "kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text()
    assert "<title>Kompilasi Produk Administrasi Profil Kesehatan Kabupaten Pasuruan - " in page
    order = [
        page.index(s)
        for s in (
            "Blok I. Penyelenggara",
            "Blok II. Penanggung Jawab",
            "Blok III. Perencanaan",
            "Blok IV. Desain Kegiatan",
            "Blok VI. Pengumpulan Data",
            "Blok VII. Pengolahan",
            "Blok VIII. Diseminasi",
            "Metadata Statistik Variabel",
            "Metadata Statistik Indikator",
        )
    ]
    assert order == sorted(order)
    assert 'id="variabel-jumlah-kelahiran-hidup"' in page and "Jumlah kelahiran hidup" in page
    indicator = (site / "indikator/dinkes/2025-profil-kesehatan/angka-kematian-bayi/index.html").read_text()
    assert "<math" in indicator and "<mfrac>" in indicator  # formula rendered to MathML at build time
    assert 'href="../../../../kegiatan/dinkes/2025-profil-kesehatan/#variabel-jumlah-kelahiran-hidup"' in indicator
    for browse in ("opd/dinkes", "sektor/kesehatan", "tahun/2025", "kegiatan", "dasbor", "cari", "petunjuk/ms-keg"):
        assert (site / browse / "index.html").is_file(), browse
    meta = json.loads((site / "pencarian/indeks.json").read_text())
    assert (site / "pencarian/cari.js").is_file() and (site / "pencarian" / meta["versi"] / "d/0.cari").is_file()
    assert not (site / "_kerangka").exists()


def test_drafts_private_records_and_contacts_never_leak(portal):
    portal.write(
        f"{ACTIVITY}/variabel/nik-responden.yaml", VARIABEL | {"nama": "NIK Responden Rahasia", "akses_umum": "Tidak"}
    )
    # the 3.4 list names it too, and a data file holds its column: both stay out of every output
    listed = {"nama": "NIK Responden Rahasia", "definisi": "Nomor induk.", "referensi_waktu": "Saat pencacahan"}
    plan = KOMPROMIN["perencanaan"] | {
        "variabel_dikumpulkan": [*KOMPROMIN["perencanaan"]["variabel_dikumpulkan"], listed]
    }
    portal.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": PUBLIC_ALUR, "perencanaan": plan})
    portal.text(f"{ACTIVITY}/data/rahasia.csv", "jumlah-kelahiran-hidup,nik-responden\n12,3514000000000001\n")
    portal.text(f"{ACTIVITY}/data/terbuka.csv", "jumlah-kelahiran-hidup\n12\n")
    portal.write(
        f"{ACTIVITY}/indikator/indikator-internal.yaml",
        INDIKATOR | {"nama": "Indikator Internal Rahasia", "akses_umum": "Tidak"},
    )
    # a public indicator built from the private variable must not name it either
    portal.write(
        f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml", INDIKATOR | {"variabel_pembangun": ["nik-responden"]}
    )
    site = portal.build()
    secrets = [
        "Survei Draf Rahasia",
        "2025-survei-draf",
        "NIK Responden Rahasia",
        "nik-responden",
        "Indikator Internal Rahasia",
        "3514000000000001",
        "rahasia.csv",
        "Siti Aminah",
        "siti@example.org",
    ]  # the last two: personal contact
    for path, text in texts(site):
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into {path.relative_to(site)}"
    assert not (site / "kegiatan/dinkes/2025-survei-draf").exists()
    indicator = (site / "indikator/dinkes/2025-profil-kesehatan/angka-kematian-bayi/index.html").read_text()
    assert "(1 variabel tidak dipublikasikan)" in indicator
    page = (site / "kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text()
    assert "1 variabel tidak dipublikasikan." in page
    assert (site / "api/kegiatan/dinkes/2025-profil-kesehatan/data/terbuka.csv").is_file()  # all columns public
    checked = {p.suffix for p, _ in texts(site)}
    assert {".xlsx", ".jsonld", ".json", ".csv", ".xml", ".html"} <= checked


def test_metadata_text_is_escaped(portal):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    portal.write(f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL | {"definisi": evil, "alias": "</dd><b>"})
    portal.write(
        f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml",
        INDIKATOR
        | {"nama": "AKB <i>x</i>", "rumus": r"\text{<script>alert(2)</script>} \href{javascript:alert(3)}{y}"},
    )
    site = portal.build()
    assert_pages_have_no_injected_markup(site)
    page = (site / "kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_build_is_deterministic(portal):
    first = digest(portal.build(out="a"))
    time.sleep(1.1)  # anything stamped with the clock (to the second) would now differ
    second = digest(portal.build(out="b"))
    assert first == second


def test_the_build_reports_its_search_index_and_fails_if_it_cannot_write_it(portal, monkeypatch):
    site = portal.root / "site"
    result = CliRunner().invoke(main, ["build", str(portal.root), "--keluar", str(site)])
    assert result.exit_code == 0, result.output
    assert "Indeks pencarian: 2 halaman" in result.output  # the activity and its indicator

    def broken(model, out):
        raise OSError("disk penuh")

    monkeypatch.setattr("pipeline.publish.site.write_index", broken)  # the forked child inherits it
    result = CliRunner().invoke(main, ["build", str(portal.root), "--keluar", str(site)])
    assert result.exit_code == 1
    assert "Indeks pencarian gagal dibuat: OSError: disk penuh" in result.output
    assert (site / "pencarian/indeks.json").is_file()  # the previous site is untouched


def test_build_is_atomic(portal):
    site = portal.build()
    (site / "penanda.txt").write_text("versi lama")
    (portal.root / "docs/kegiatan").mkdir()  # collides with a generated section: the build must fail
    result = CliRunner().invoke(main, ["build", str(portal.root), "--keluar", str(site)])
    assert result.exit_code == 1 and "docs/kegiatan" in result.output
    assert (site / "penanda.txt").read_text() == "versi lama"  # the old site is untouched
    (portal.root / "docs/kegiatan").rmdir()
    portal.build()
    assert not (site / "penanda.txt").exists()
    assert [p.name for p in portal.root.iterdir() if p.name.startswith(".site")] == []


def test_build_refuses_invalid_catalog(portal):
    portal.write(f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": PUBLIC_ALUR, "tahun": "dua ribu"})
    result = CliRunner().invoke(main, ["build", str(portal.root), "--keluar", str(portal.root / "site")])
    assert result.exit_code == 1 and "Portal tidak dibangun: 1 galat" in result.output
    assert not (portal.root / "site").exists()


def test_internal_view_shows_drafts_and_workflow(portal):
    portal.write(f"{ACTIVITY}/variabel/nik-responden.yaml", VARIABEL | {"nama": "NIK Responden", "akses_umum": "Tidak"})
    site = portal.build("--internal", out="internal")
    draft = (site / "kegiatan/dinkes/2025-survei-draf/index.html").read_text()
    assert "Draf — belum disetujui BPS" in draft and "Langkah 3" in draft
    page = (site / "kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text()
    assert "NIK Responden" in page and "tidak publik" in page
    assert "(Internal)" in page


def test_dashboard_counts_drafts_without_naming_them(portal):
    site = portal.build()
    board = (site / "dasbor/index.html").read_text()
    assert "<svg" in board and "Kemajuan SOP per OPD" in board
    assert '<td data-label="Rekomendasi (1–6)">1</td>' in board and '<td data-label="Disetujui (11)">1</td>' in board
    assert "Survei Draf" not in board
    # every chart is an SVG drawn at build time, named, with its numbers in a table beside it
    assert board.count('class="sd-grafik" role="img"') == 4
    for title in ("Kegiatan per sektor dan tahun", "Waktu setiap langkah SOP terhadap waktu bakunya"):
        assert f"<caption>{title} (angka)</caption>" in board


def test_dashboard_shows_overdue_steps_as_of_a_date(portal):
    # the draft's last event is step 3 on 2025-02-05; step 4/5/6 are due within the SOP time standard
    board = (portal.build("--pada", "2025-02-05T10:00:00+07:00") / "dasbor/index.html").read_text()
    assert "Tidak ada langkah yang melewati waktu baku" in board
    board = (portal.build("--pada", "2025-03-03T10:00:00+07:00", out="nanti") / "dasbor/index.html").read_text()
    assert "per 03-03-2025 10:00 WIB" in board and "Langkah yang melewati waktu baku" in board
    assert (
        '<th scope="row" data-label="OPD">Dinas Kesehatan Kabupaten Pasuruan</th><td data-label="3 Periksa pengajuan">1</td>'
        in board
    )


def _free_text_paths(rs, node=None, path=()):
    """Every free-text field of a schema (no options, no pattern, no code list)."""
    node = rs.schema if node is None else node
    for key, sub in (node.get("properties") or {}).items():
        if sub.get("type") == "object":
            yield from _free_text_paths(rs, sub, path + (key,))
        elif sub.get("type") == "string" and not ({"enum", "pattern", "x-daftar-kode"} & sub.keys()):
            yield path + (key,)


def _set(data, path, value):
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def test_html_in_every_text_field_is_shown_as_text(portal):
    """Fill every free-text field of every form with markup; nothing may become markup."""
    import copy

    from pipeline.contract.schema import BUNDLED, Schemas

    schemas = Schemas(BUNDLED)
    payload = '<script>alert("{}")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">x</a>'
    records = {"kegiatan": (f"{ACTIVITY}/kegiatan.yaml", KOMPROMIN | {"alur": PUBLIC_ALUR}),
               "variabel": (f"{ACTIVITY}/variabel/jumlah-kelahiran-hidup.yaml", VARIABEL),
               "indikator": (f"{ACTIVITY}/indikator/angka-kematian-bayi.yaml", INDIKATOR)}  # fmt: skip
    filled = 0
    written = {}
    for kind, (rel, base) in records.items():
        data = copy.deepcopy(base)
        for path in _free_text_paths(schemas[kind]):
            node = data
            for part in path[:-1]:
                node = node.get(part, {})
            if path[-1] not in node:
                continue  # only fields the record fills, so no other rule starts to apply
            _set(data, path, payload.format(".".join(path)) + " teks")
            filled += 1
        written[kind] = (rel, data)
    # 3.4 must keep naming the variable, whose name now carries the payload too
    written["kegiatan"][1]["perencanaan"]["variabel_dikumpulkan"][0]["nama"] = written["variabel"][1]["nama"]
    for rel, data in written.values():
        portal.write(rel, data)
    assert filled >= 20
    site = portal.build()
    assert_pages_have_no_injected_markup(site)
    page = (site / "kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text()
    assert "&lt;script&gt;alert(&#34;perencanaan.latar_belakang&#34;)&lt;/script&gt;" in page


def test_change_log_lists_public_changes_between_approved_versions(portal):
    """Two approved versions in git: the activity page names what changed between them (form
    labels and public record names only: never a value, never a personal field)."""
    import subprocess

    def git(*args):
        subprocess.run(["git", "-C", str(portal.root), "-c", "user.name=Uji", "-c", "user.email=uji@example.org",
                        *args], check=True, capture_output=True)  # fmt: skip

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "versi pertama disetujui")
    second = json.loads(json.dumps(KOMPROMIN | {"alur": PUBLIC_ALUR}))
    second["perencanaan"]["latar_belakang"] = "Latar belakang yang diperbarui."
    second["penanggung_jawab"]["teknis"]["nama"] = "Nama Rahasia Baru"
    second["alur"]["riwayat"] += [ev(7, "2025-03-03 09:00"), ev(8, "2025-03-04 09:00"), ev(9, "2025-03-05 09:00"),
                                  ev(11, "2025-03-06 09:00")]  # fmt: skip
    portal.write(f"{ACTIVITY}/kegiatan.yaml", second)
    portal.write(f"{ACTIVITY}/variabel/jumlah-bidan.yaml", VARIABEL | {"nama": "Jumlah bidan desa"})
    git("add", "-A")
    git("commit", "-qm", "versi kedua disetujui")
    site = portal.build()
    page = (site / "kegiatan/dinkes/2025-profil-kesehatan/index.html").read_text()
    log = page[page.index('id="riwayat-versi"') :]
    assert "Disetujui BPS 6 Maret 2025" in log and "Disetujui BPS 7 Februari 2025" in log
    assert "MS-Keg: 3.1 Latar Belakang Kegiatan" in log and "MS-Var ditambahkan: Jumlah bidan desa" in log
    assert "2.2 Nama" not in log and "Nama Rahasia Baru" not in page
    assert "Sedang direvisi" not in page
    assert "Terakhir diperbarui" in page
