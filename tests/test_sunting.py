"""The web editor (sunting/) end to end: Debian's Chromium drives it against a real git repository
through the local mode (satudata sunting's GitHub API over git), and the result is checked with git and
`satudata validate`."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import KOMPROMIN, REPO, VARIABEL
from playwright.sync_api import expect
from test_browser import browser  # noqa: F401  (the shared Chromium fixture)

from pipeline.cli import main
from pipeline.contract.schema import BUNDLED, Schemas
from pipeline.read.loader import parse
from pipeline.workflow.lokal import LocalForge, handler_for

TOKEN = "token-uji-lokal"
USER = "dinkes-pasuruan"
PICTURES = REPO / "docs" / "panduan" / "gambar"  # refreshed with SATUDATA_GAMBAR=1
SCHEMAS = Schemas(BUNDLED)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The sample catalog as a git repository with one commit on main."""
    root = tmp_path_factory.mktemp("katalog")
    for name in ("metadata", "docs"):
        shutil.copytree(REPO / name, root / name)
    for name in ("mkdocs.yml", "roles.yaml", "katalog.yaml"):
        shutil.copy(REPO / name, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=Walidata", "-c", "user.email=w@example.org", "commit", "-qm", "Katalog awal")
    return root


@pytest.fixture(scope="module")
def editor_url(repo, tmp_path_factory):
    site = tmp_path_factory.mktemp("situs") / "site"
    result = CliRunner().invoke(main, ["build", str(repo), "--keluar", str(site)])
    assert result.exit_code == 0, result.output
    assert "tanpa pustaka peramban" not in result.output  # npm ci ran: the editor has its libraries
    forge = LocalForge(repo, USER, token=TOKEN)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(forge, site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sunting/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):  # noqa: F811  (the fixture imported from test_browser)
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == []


def picture(page, name: str, tmp_path: Path, full: bool = False) -> Path:
    """A screenshot for the OPD guide (kept in docs/ when SATUDATA_GAMBAR=1, else in tmp_path)."""
    folder = PICTURES if os.environ.get("SATUDATA_GAMBAR") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full, animations="disabled")  # no half-faded header
    assert path.stat().st_size > 5000
    return path


class User:
    """A person filling the editor: every fill, choice, tick and click is counted."""

    def __init__(self, page):
        self.page = page
        self.actions = 0
        self.typed = 0

    def click(self, target) -> None:
        (self.page.locator(target) if isinstance(target, str) else target).click()
        self.actions += 1

    def fill(self, selector: str, text: str) -> None:
        box = self.page.locator(selector)
        if box.input_value() == text:
            return  # already filled in (from opd.yaml, or the year)
        box.fill(text)
        self.actions += 1
        self.typed += len(text)

    def choose(self, selector: str, value: str) -> None:
        box = self.page.locator(selector)
        if box.input_value() == value:
            return
        box.select_option(value)
        self.actions += 1

    def record(self, prefix: str, schema: dict, data: dict, path: tuple = ()) -> None:
        """Fill one record's form the way the schema lays it out."""
        for key, sub in (schema.get("properties") or {}).items():
            if key not in data:
                continue
            value, here = data[key], (*path, key)
            sel = "#" + "-".join([prefix, *map(str, here)])
            kind = sub.get("type")
            if kind == "object":
                self.record(prefix, sub, value, here)
            elif kind == "array" and (sub.get("items") or {}).get("type") == "object":
                box = self.page.locator(sel)
                for _ in range(box.locator(":scope > ol > li").count(), len(value)):
                    self.click(box.locator(":scope > button"))
                for i, item in enumerate(value):
                    self.record(prefix, sub["items"], item, (*here, i))
            elif kind == "array" and ("enum" in sub["items"] or key.endswith("_pembangun")):
                for option in value:
                    box = self.page.locator(f'{sel} input[value="{option}"]')
                    box.check()
                    self.actions += 1
            elif kind == "array":
                self.fill(sel, "\n".join(map(str, value)))
            elif "enum" in sub or "x-daftar-kode" in sub:
                self.choose(sel, str(value))
            else:
                self.fill(sel, str(value))

    def card(self, kind: str, data: dict) -> None:
        self.click(f"button:text-is('Tambah {kind}')")
        prefix = self.page.locator(".sds-kartu").last.get_attribute("data-awalan")
        self.record(prefix, SCHEMAS[kind].schema, data)


def sign_in(user: User, url: str) -> None:
    user.page.goto(url)
    user.fill("#sds-token", TOKEN)
    user.click("button:text-is('Masuk')")
    expect(user.page.locator("#sds-opd")).to_be_visible()
    user.choose("#sds-opd", "dinkes")


# --- the new activity --------------------------------------------------------------------------

YEAR = time.localtime().tm_year
VARIABLES = [
    ("Jumlah balita ditimbang", "Balita yang ditimbang di posyandu dalam bulan penimbangan."),
    ("Jumlah balita gizi buruk", "Balita dengan berat badan menurut tinggi badan di bawah -3 standar deviasi."),
    ("Jumlah balita gizi kurang", "Balita dengan berat badan menurut tinggi badan antara -3 dan -2 standar deviasi."),
    ("Jumlah posyandu aktif", "Posyandu yang melaksanakan penimbangan paling sedikit delapan kali setahun."),
    ("Jumlah kader posyandu terlatih", "Kader posyandu yang telah mengikuti pelatihan pemantauan pertumbuhan."),
]


def new_activity() -> dict:
    data = copy.deepcopy(KOMPROMIN)
    data["judul_kegiatan"] = (
        "Kompilasi Produk Administrasi Pemantauan Gizi Balita Kabupaten Pasuruan"  # recurring: no year
    )
    data["tahun"] = YEAR
    data["perencanaan"]["latar_belakang"] = "Pemantauan status gizi balita setiap bulan di posyandu."
    data["perencanaan"]["tujuan"] = "1. Menyediakan data status gizi balita.\n2. Menjadi dasar intervensi gizi."
    months = ["01", "02", "03", "05", "06", "07", "09"]
    for items, month in zip(data["perencanaan"]["jadwal"].values(), months, strict=True):
        items[0].update(awal=f"{YEAR}-{month}", akhir=f"{YEAR}-{month}")
    del data["perencanaan"]["variabel_dikumpulkan"]  # filled from the MS-Var list with one click
    data["diseminasi"]["rilis"] = {"digital": [f"{YEAR}-10-01"]}
    del data["penanggung_jawab"]["teknis"]["email"]
    return data


def variable(name: str, definition: str) -> dict:
    return {"nama": name, "konsep": name.removeprefix("Jumlah ").capitalize(), "definisi": definition,
            "referensi_pemilihan": "Peraturan Menteri Kesehatan Nomor 2 Tahun 2020", "referensi_waktu": "Bulan penimbangan",
            "tipe_data": "Integer", "akses_umum": "Ya", "satuan": "jiwa"}  # fmt: skip


INDICATORS = [
    {"nama": "Prevalensi balita gizi buruk", "konsep": "Gizi buruk", "definisi": "Persentase balita gizi buruk terhadap balita ditimbang.",
     "interpretasi": "Semakin tinggi, semakin besar masalah gizi.", "metode_perhitungan": "Balita gizi buruk dibagi balita ditimbang dikali 100.",
     "ukuran": "Persentase", "satuan": "persen", "klasifikasi_penyajian": ["Kecamatan"], "komposit": "Tidak",
     "variabel_pembangun": ["jumlah-balita-gizi-buruk", "jumlah-balita-ditimbang"], "level_estimasi": "Kecamatan", "akses_umum": "Ya"},
    {"nama": "Rasio kader terlatih per posyandu", "konsep": "Kader terlatih", "definisi": "Banyaknya kader terlatih per posyandu aktif.",
     "interpretasi": "Semakin tinggi, semakin baik kapasitas posyandu.", "metode_perhitungan": "Kader terlatih dibagi posyandu aktif.",
     "ukuran": "Rasio", "satuan": "(tanpa satuan)", "klasifikasi_penyajian": ["Kecamatan"], "komposit": "Tidak",
     "variabel_pembangun": ["jumlah-kader-posyandu-terlatih", "jumlah-posyandu-aktif"], "level_estimasi": "Kecamatan", "akses_umum": "Ya"},
]  # fmt: skip


def test_new_activity_with_five_variables_and_two_indicators_becomes_a_branch_and_a_pull_request(
    page, editor_url, repo, tmp_path
):
    main_before = git(repo, "rev-parse", "main").strip()
    user = User(page)
    started = time.perf_counter()
    sign_in(user, editor_url)
    picture(page, "sunting-pilih", tmp_path)
    user.click("button:text-is('Kegiatan baru')")
    user.fill("#sds-folder", "pemantauan-gizi-balita")
    user.record("kegiatan-0", SCHEMAS["kegiatan"].schema, new_activity())
    for name, definition in VARIABLES:
        user.card("variabel", variable(name, definition))
    user.click("button:text-is('Isi 3.4 dari daftar MS-Var')")
    for data in INDICATORS:
        user.card("indikator", data)

    # a wrong value: the same message as satudata validate, at the field and in the summary
    email = "#kegiatan-0-penyelenggara-email"
    user.fill(email, "dinkes@pasuruankab")
    user.click("button:text-is('Periksa')")
    summary = page.locator("#sds-ringkasan")
    expect(summary).to_contain_text("1 galat dan 0 peringatan")
    expect(summary).to_contain_text("[skema-pattern]")
    field = page.locator("#kegiatan-0-penyelenggara-email-galat")
    expect(field).to_contain_text("Format teks tidak sesuai")
    expect(field).to_contain_text("nama@pasuruankab.go.id")  # the schema's x-contoh: how to fix it
    expect(page.locator(email)).to_have_attribute("aria-invalid", "true")
    assert page.locator("#sds-umum").get_attribute("aria-live") == "polite"
    page.locator(email).scroll_into_view_if_needed()
    picture(page, "sunting-galat", tmp_path)
    user.click("button:text-is('Ajukan usulan (pull request)')")  # refused: nothing is sent while errors remain
    expect(summary).to_be_focused()
    assert "usulan/" not in git(repo, "branch", "--list")

    user.fill(email, "gizi@pasuruankab.go.id")
    user.click("button:text-is('Periksa')")
    expect(summary).to_contain_text("Tidak ada galat maupun peringatan.")
    expect(page.locator(email)).not_to_have_attribute("aria-invalid", "true")
    user.click("button:text-is('Ajukan usulan (pull request)')")
    expect(page.locator("#sds-pr")).to_have_text("pull request #1")
    seconds = time.perf_counter() - started
    picture(page, "sunting-terkirim", tmp_path)

    # the proposal is a new branch; main has not moved
    assert git(repo, "rev-parse", "main").strip() == main_before
    branches = [b.strip(" *") for b in git(repo, "branch", "--list", "usulan/*").splitlines()]
    assert len(branches) == 1 and branches[0].startswith(f"usulan/dinkes-{YEAR}-pemantauan-gizi-balita-")
    folder = f"metadata/dinkes/{YEAR}-pemantauan-gizi-balita"
    files = sorted(git(repo, "diff", "--name-only", "main", branches[0]).split())
    assert files == sorted(
        [f"{folder}/kegiatan.yaml"]
        + [f"{folder}/variabel/{n.lower().replace(' ', '-')}.yaml" for n, _ in VARIABLES]
        + [
            f"{folder}/indikator/{s}.yaml"
            for s in ("prevalensi-balita-gizi-buruk", "rasio-kader-terlatih-per-posyandu")
        ]
    )
    pulls = json.loads((repo / ".git" / "satudata-usulan.json").read_text(encoding="utf-8"))
    assert pulls[0]["head"]["ref"] == branches[0] and pulls[0]["base"]["ref"] == "main"
    log = git(repo, "log", "-1", "--format=%an %s", branches[0])
    assert log.startswith(f"{USER} Usulan kegiatan baru: dinkes/{YEAR}-pemantauan-gizi-balita")

    # satudata validate on the branch: zero findings for the new activity
    tree = repo.parent / "cabang-baru"
    git(repo, "worktree", "add", "-q", str(tree), branches[0])
    result = CliRunner().invoke(main, ["validate", str(tree / folder), "--format", "json", "--tanpa-cache"])
    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert report["temuan"] == []
    kegiatan = parse((tree / folder / "kegiatan.yaml").read_text(encoding="utf-8")).data
    assert [v["nama"] for v in kegiatan["perencanaan"]["variabel_dikumpulkan"]] == [n for n, _ in VARIABLES]
    (tmp_path / "ukuran.json").write_text(json.dumps({"aksi": user.actions, "ketik": user.typed, "detik": seconds}))
    print(
        f"\nPENGUKURAN penyunting: {user.actions} tindakan, {user.typed} karakter diketik, {seconds:.1f} s (Playwright)"
    )


def test_editing_an_existing_record_keeps_its_comments_and_alur(page, editor_url, repo, tmp_path):
    user = User(page)
    sign_in(user, editor_url)
    user.click("button[aria-label='Sunting: 2025-profil-kesehatan']")
    expect(page.locator(".sds-judul-sunting")).to_have_text("metadata/dinkes/2025-profil-kesehatan")
    user.fill("#kegiatan-0-penyelenggara-telepon", "(0343) 744000")
    card = page.locator(".sds-kartu:has(> summary:text-is('Jumlah kematian ibu'))")
    prefix = card.get_attribute("data-awalan")
    user.fill(f"#{prefix}-referensi_waktu", "1 Januari–31 Desember 2025")
    user.click("button:text-is('Periksa')")
    expect(page.locator("#sds-ringkasan")).to_contain_text("Tidak ada galat")
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_timeout(400)  # the text boxes grow to their text after a resize
    page.locator("#kegiatan-0-penyelenggara-telepon").scroll_into_view_if_needed()
    picture(page, "sunting-360", tmp_path)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.wait_for_timeout(400)
    picture(page, "sunting-1366", tmp_path)
    user.click("button:text-is('Ajukan usulan (pull request)')")
    expect(page.locator("#sds-pr")).to_contain_text("pull request #")

    branch = next(
        b.strip(" *") for b in git(repo, "branch", "--list", "usulan/dinkes-2025-profil-kesehatan-*").splitlines()
    )
    path = "metadata/dinkes/2025-profil-kesehatan/kegiatan.yaml"
    before, after = git(repo, "show", f"main:{path}"), git(repo, "show", f"{branch}:{path}")
    for line in before.splitlines():
        if line.lstrip().startswith("#"):
            assert line in after.splitlines()  # every comment stays
    old, new = parse(before).data, parse(after).data
    assert new["alur"] == old["alur"]
    assert new["penyelenggara"]["telepon"] == "(0343) 744000"
    diff = git(repo, "diff", "--unified=0", "main", branch, "--", path)
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == ["+  telepon: (0343) 744000"]
    var = "metadata/dinkes/2025-profil-kesehatan/variabel/jumlah-kematian-ibu.yaml"
    diff = git(repo, "diff", "--unified=0", "main", branch, "--", var)
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert len(changed) == 2 and changed[1] == "+referensi_waktu: 1 Januari–31 Desember 2025"


# --- the same rules in the browser as in satudata validate ---------------------------------------

BROWSER_CODES = {"tahun-folder", "judul-awalan", "jadwal-terbalik", "jadwal-urutan", "msvar-kosong", "msvar-tidak-ada",
                 "nama-ganda", "rujukan-variabel", "rujukan-indikator", "rujukan-diri", "judul-cara", "judul-tahun",
                 "nama-singkatan", "indikator-bukan-ukuran", "konsep-tidak-tepat", "rumus-word", "versi-pilihan",
                 "lainnya-sama", "wilayah-jumlah", "kalimat-pertanyaan-survei"}  # fmt: skip


def in_browser(kode: str) -> bool:
    return kode.startswith(("skema-", "aturan-", "kode-")) or kode in BROWSER_CODES


def bad_catalog(root: Path):
    """One OPD with activities broken in every way one activity can be."""
    from conftest import INDIKATOR, SURVEI, CatalogBuilder

    b = CatalogBuilder(root)
    act = "metadata/dinkes/2025-{}"

    def activity(slug, data, variables=(VARIABEL,), indicators=()):
        base = act.format(slug)
        b.write(f"{base}/kegiatan.yaml", data)
        for i, v in enumerate(variables):
            b.write(f"{base}/variabel/v{i}.yaml", v)
        for i, v in enumerate(indicators):
            b.write(f"{base}/indikator/i{i}.yaml", v)

    def keg(**changes):
        data = copy.deepcopy(KOMPROMIN)
        data["judul_kegiatan"] = f"Kompilasi Produk Administrasi Uji {len(changes)} {sorted(changes)}"
        for path, value in changes.items():
            node, *keys = path.split("__")
            holder = data
            for k in [node, *keys][:-1]:
                holder = holder[k]
            if value is None:
                holder.pop([node, *keys][-1], None)
            else:
                holder[[node, *keys][-1]] = value
        return data

    activity("tanpa-judul", keg(judul_kegiatan=None, tahun="dua ribu", sektor_kegiatan="Kesehatan Masyarakat"))
    activity("dasar", keg(jenis_statistik="Statistik Dasar", tahun=2024, penyelenggara__email="dinkes@x"))
    activity(
        "jadwal",
        keg(perencanaan__jadwal__desain=[{"awal": "2025-06", "akhir": "2025-02"}], perencanaan__jadwal__evaluasi=[]),
    )
    survei = copy.deepcopy(SURVEI)
    survei["judul_kegiatan"] = "Data Survei Tanpa Blok V"
    del survei["desain_sampel"], survei["rekomendasi_bps"]
    survei["identitas_rekomendasi"] = "V-2025-3514"
    survei["desain_kegiatan"]["wilayah_kegiatan"] = [{"provinsi": "35", "kabupaten_kota": "9999"}]
    survei["desain_kegiatan"]["metode_pengumpulan_data"] = ["Wawancara", "Wawancara"]
    survei["asing"] = "tidak dikenal"
    activity("survei", survei)
    var = VARIABEL | {"tipe_data": "Angka", "satuan": "buah", "klasifikasi_referensi": "kbli", "tahun": 1}
    var2 = VARIABEL | {"klasifikasi_referensi": "kbli2020", "klasifikasi_isian": [{"kode": "99999", "nilai": "X"}]}
    ind = INDIKATOR | {"komposit": "Ya", "indikator_pembangun": ["i1"]}
    ind2 = INDIKATOR | {"variabel_pembangun": ["tidak-ada"], "nama": "Rasio Uji"}
    ind3 = INDIKATOR | {
        "komposit": "Ya",
        "publikasi_ketersediaan": "x",
        "indikator_pembangun": ["i2", "lain/2025-x/y"],
        "nama": "Diri",
    }
    for key in ("variabel_pembangun",):
        ind3.pop(key)
    listed = keg()
    listed["perencanaan"]["variabel_dikumpulkan"].append({"nama": "Variabel yang tidak dilaporkan"})
    activity("variabel", listed, variables=(var, var2, VARIABEL), indicators=(ind, ind2, ind3))
    activity("kosong", keg(judul_kegiatan="Kompilasi Tanpa Variabel"), variables=())
    # check/naming.py: the warnings BPS gives when it reviews Indah entries
    abbreviation = VARIABEL | {"nama": "PDRB (2010=100)", "konsep": "-"}
    copied = VARIABEL | {"nama": "Jumlah kematian", "konsep": VARIABEL["definisi"].upper()}
    wordy = VARIABEL | {"nama": "Jumlah lahir mati", "konsep": "Kelahiran " * 20}
    classification = INDIKATOR | {"nama": "Jenis Kelamin Pasien", "metode_perhitungan": "\U0001d465 = a/b \u2062 100"}
    presented = INDIKATOR | {"nama": "Kelompok Umur", "klasifikasi_penyajian": ["kelompok umur"]}
    activity("nama", keg(judul_kegiatan="Profil Kesehatan Daerah 2025"),
             variables=(abbreviation, copied, wordy), indicators=(classification, presented))  # fmt: skip
    activity("cara", keg(judul_kegiatan="Kompilasi Produk Administrasi Survei Gizi Balita"))
    # check/records.py and groups.py: form versions, 'Lainnya', 4.5 as a count, survey questions
    versioned = copy.deepcopy(SURVEI)
    versioned["judul_kegiatan"] = "Survei Gizi Balita Kabupaten Pasuruan"
    versioned["versi_formulir"] = "Indah 2023"
    versioned["desain_sampel"]["metode_sampel"] = "Multi Stage Sampling"  # not on the Indah 2023 form
    versioned["desain_kegiatan"]["metode_pengumpulan_data"] = ["Lainnya"]
    versioned["desain_kegiatan"]["metode_pengumpulan_data_lainnya"] = "wawancara"  # an option of its own
    versioned["desain_kegiatan"]["wilayah_kegiatan"] = [{"provinsi": "35", "jumlah_kabupaten_kota": 99}]
    unasked = {k: v for k, v in VARIABEL.items() if k != "kalimat_pertanyaan"}
    activity("versi", versioned, variables=(unasked,))
    return b


def test_the_editor_gives_the_codes_satudata_validate_gives(page, editor_url, tmp_path):
    from pipeline.read.catalog import load_catalog

    root = tmp_path / "rusak"
    bad_catalog(root)
    result = CliRunner().invoke(main, ["validate", str(root), "--format", "json", "--tanpa-cache"])
    assert result.exit_code == 1
    python = json.loads(result.output)["temuan"]
    key = ("berkas", "kode", "lokasi", "nomor", "label", "tingkat", "formulir")
    expected = sorted(tuple(f[k] for k in key) for f in python if in_browser(f["kode"]))
    outside = {f["kode"] for f in python if not in_browser(f["kode"])}
    assert outside <= {"judul-ganda", "duplikasi-opd-lain"}  # catalog-wide: CI's job
    covered = {f["kode"] for f in python}
    assert BROWSER_CODES - {"rujukan-indikator"} <= covered and {"skema-wajib", "skema-type", "skema-pattern", "skema-enum",
           "skema-isian-tak-dikenal", "skema-uniqueItems", "skema-minItems", "kode-tidak-dikenal", "kode-daftar-tak-dikenal",
           "kode-klasifikasi", "aturan-R1", "aturan-R8", "aturan-R14", "aturan-R16"} <= covered  # fmt: skip
    assert {"judul-cara", "judul-tahun", "nama-singkatan", "indikator-bukan-ukuran", "konsep-tidak-tepat", "rumus-word",
            "versi-pilihan", "lainnya-sama", "wilayah-jumlah", "kalimat-pertanyaan-survei"} <= covered  # fmt: skip

    catalog = load_catalog(root)
    activities = []
    for rec in catalog.of("kegiatan"):
        kids = {k: [{"slug": r.slug, "berkas": r.path, "data": r.data} for r in catalog.children(rec.ident, k)]
                for k in ("variabel", "indikator")}  # fmt: skip
        activities.append({"folder": rec.ident, "kegiatan": {"berkas": rec.path, "data": rec.data}, **kids})
    known = sorted(f"{r.kind}:{r.ident}" for r in catalog.records.values())
    page.goto(editor_url)
    found = page.evaluate(
        """async ([activities, known]) => {
            const { Checker } = await import('./periksa.js');
            const bundle = await (await fetch('formulir.json')).json();
            const checker = new Checker(bundle, window.ajv2020);
            const exists = (kind, ident) => known.includes(`${kind}:${ident}`);
            return activities.flatMap((a) => checker.activity(a, exists));
        }""",
        [activities, known],
    )
    got = sorted(tuple(f[k] for k in key) for f in found)
    assert len(expected) >= 30
    assert got == expected
    # the rules' own words come from the schema, as in the Python checker
    rules = {(f["berkas"], f["lokasi"]): f for f in python if f["kode"].startswith("aturan-")}
    for f in found:
        if f["kode"].startswith("aturan-"):
            assert f["saran"] == rules[(f["berkas"], f["lokasi"])]["saran"]
            assert rules[(f["berkas"], f["lokasi"])]["pesan"].endswith(f["pesan"])


def test_the_editor_refuses_text_that_the_reader_refuses(page, editor_url):
    """A vertical tab pasted from Word: the editor names the field; satudata refuses the file (yaml-karakter)."""
    from pipeline.edit.records import WriteError, new_text

    record = VARIABEL | {"nama": "Jumlah kelahiran\vhidup", "klasifikasi_isian": [{"kode": "1", "nama": "x\ufffe"}]}
    with pytest.raises(WriteError, match="U\\+000B"):
        new_text(record)
    page.goto(editor_url)
    found = page.evaluate(
        """async (data) => {
            const { Checker } = await import('./periksa.js');
            const bundle = await (await fetch('formulir.json')).json();
            return new Checker(bundle, window.ajv2020).record("variabel", "v.yaml", data)
                .filter((f) => f.kode === "yaml-karakter").map((f) => [f.lokasi, f.label, f.pesan]);
        }""",
        record,
    )
    assert [(lokasi, label) for lokasi, label, _ in found] == [
        ("nama", "Nama Variabel"),
        ("klasifikasi_isian.0.nama", found[1][1]),
    ]
    assert found[0][2].startswith("U+000B: Teks memuat karakter kendali") and found[1][2].startswith("U+FFFE")
    clean = page.evaluate(
        """async (data) => {
            const { Checker } = await import('./periksa.js');
            const bundle = await (await fetch('formulir.json')).json();
            return new Checker(bundle, window.ajv2020).record("variabel", "v.yaml", data).map((f) => f.kode);
        }""",
        VARIABEL | {"nama": "Jumlah kelahiran\thidup \u2028 é 🙂"},
    )
    assert "yaml-karakter" not in clean


def test_the_browser_writes_new_files_as_the_python_writer_does(page, editor_url):
    from pipeline.edit.records import new_text
    from pipeline.read.loader import load

    records = [load(p).data for p in sorted((REPO / "metadata").rglob("*.yaml"))]
    tricky = {"l": ["a: 'b'", "it's \"x\": y", "- it's", "x: \"y\"", "2025-1-5", "2025-13-01", "12:30", "-", "x:", "? x",
                    ",x", "a ", " lead", "+1", "1.", ".nan", "Yes", "no", "=", "<<", "--- x", "a\tb", "x\n", "x\n\n",
                    " a\nb", "a\n\nb", "01111", "true", "~", "", "1_000", "0o17", "e5", "@at", "a #b", "a# b", "é 中文",
                    "\u00a0nbsp", "x\u2028y", "2025-01-01T10:00:00+07:00", "w" * 99 + " " + "v" * 5],
              "n": 0.05, "k": 1e-05, "i": 3, "neg": -2.5, "e": [], "d": {},
              "sq": [{"a": "u" * 99 + " tail", "b": ["x", {"c": 1}]}]}  # fmt: skip
    corpus = [*records, tricky]
    page.goto(editor_url)
    texts = page.evaluate(
        """async (corpus) => {
            const YAML = await import('./lib/yaml/index.js');
            const { newText } = await import('./yamltulis.js');
            return corpus.map((d) => newText(YAML, d));
        }""",
        corpus,
    )
    assert len(records) > 100
    differ = [i for i, (data, text) in enumerate(zip(corpus, texts, strict=True)) if text != new_text(data)]
    assert differ == []


def test_salin_dari_tahun_lalu_in_the_browser_writes_what_satudata_salin_writes(page, editor_url, repo, tmp_path):
    user = User(page)
    sign_in(user, editor_url)
    user.click("button[aria-label='Salin dari tahun lalu: 2025-profil-kesehatan']")
    expect(page.locator(".sds-judul-sunting")).to_have_text("Salinan dinkes/2025-profil-kesehatan untuk tahun 2026")
    user.click("button:text-is('Periksa')")
    summary = page.locator("#sds-ringkasan")
    expect(summary).to_contain_text("[aturan-R7]")  # the release plan 8.2 was cleared with the dates
    jadwal = {k: [{"awal": f"2026-{m}", "akhir": f"2026-{m}"}] for k, m in zip(
        ["perencanaan_kegiatan", "desain", "pengumpulan_data", "pengolahan_data", "analisis", "diseminasi_hasil", "evaluasi"],
        ["01", "02", "03", "05", "06", "07", "09"], strict=True)}  # fmt: skip
    user.record("kegiatan-0", SCHEMAS["kegiatan"].schema, {"perencanaan": {"jadwal": jadwal}})
    user.fill("#kegiatan-0-diseminasi-rilis-tercetak", "2026-10-01")
    user.fill("#kegiatan-0-diseminasi-rilis-digital", "2026-10-01")
    user.click("button:text-is('Periksa')")
    expect(summary).to_contain_text("Tidak ada galat")
    user.click("button:text-is('Ajukan usulan (pull request)')")
    expect(page.locator("#sds-pr")).to_contain_text("pull request #")
    print(f"\nPENGUKURAN salin: {user.actions} tindakan, {user.typed} karakter diketik")
    branch = next(
        b.strip(" *") for b in git(repo, "branch", "--list", "usulan/dinkes-2026-profil-kesehatan-*").splitlines()
    )

    # the same copy made on the command line, in a clone of main
    clone = tmp_path / "klon"
    git(repo, "worktree", "add", "-q", "--detach", str(clone), "main")
    result = CliRunner().invoke(main, ["salin", str(clone / "metadata/dinkes/2025-profil-kesehatan")])
    assert result.exit_code == 0, result.output
    target = "metadata/dinkes/2026-profil-kesehatan"
    files = sorted(git(repo, "ls-tree", "-r", "--name-only", branch, "--", target).split())
    assert files == sorted(p.relative_to(clone).as_posix() for p in (clone / target).rglob("*.yaml"))
    for path in files:
        web, cli = git(repo, "show", f"{branch}:{path}"), (clone / path).read_text(encoding="utf-8")
        if not path.endswith("kegiatan.yaml"):
            assert web == cli, path
    web = parse(git(repo, "show", f"{branch}:{target}/kegiatan.yaml")).data
    cli = parse((clone / target / "kegiatan.yaml").read_text(encoding="utf-8")).data
    assert web["perencanaan"].pop("jadwal") == jadwal
    assert web["diseminasi"].pop("rilis") == {"tercetak": ["2026-10-01"], "digital": ["2026-10-01"]}
    assert web == cli
    assert [ln for ln in git(repo, "show", f"{branch}:{target}/kegiatan.yaml").splitlines() if ln.startswith("#")] == [
        ln for ln in (clone / target / "kegiatan.yaml").read_text(encoding="utf-8").splitlines() if ln.startswith("#")
    ]


# --- the local mode's API takes every request as hostile ------------------------------------------


def call(url: str, method: str, path: str, body=None, token: str = TOKEN, raw: bytes | None = None):
    import urllib.error
    import urllib.request

    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url.replace("/sunting/", "/api") + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_the_local_api_refuses_what_github_and_branch_protection_would(editor_url, repo):
    name = f"lokal/{repo.name}"
    assert call(editor_url, "GET", "/user", token="salah")[0] == 401
    status, info = call(editor_url, "GET", f"/repos/{name}")
    assert status == 200 and info["default_branch"] == "main"
    head = call(editor_url, "GET", f"/repos/{name}/git/ref/heads/main")[1]["object"]["sha"]
    tree = call(editor_url, "GET", f"/repos/{name}/git/commits/{head}")[1]["tree"]["sha"]
    write = lambda path, content="a: 1\n": call(editor_url, "POST", f"/repos/{name}/git/trees",  # noqa: E731
                                                {"base_tree": tree, "tree": [{"path": path, "mode": "100644", "type": "blob", "content": content}]})  # fmt: skip
    for path in ("roles.yaml", ".github/workflows/x.yml", "metadata/dinkes/opd.yaml", "metadata/../roles.yaml",
                 "metadata/dinkes/2025-x/../../../x.yaml", "/etc/passwd", "metadata/dinkes/2025-x/data/a.csv"):  # fmt: skip
        status, answer = write(path)
        assert status == 422 and "bukan rekaman" in answer["message"], path
    assert write("metadata/dinkes/2025-x/kegiatan.yaml", "x" * (2 * 1024 * 1024))[0] == 422
    status, made = write("metadata/dinkes/2025-x/kegiatan.yaml")
    assert status == 201
    commit = call(
        editor_url, "POST", f"/repos/{name}/git/commits", {"message": "m", "tree": made["sha"], "parents": [head]}
    )[1]
    assert (
        call(editor_url, "POST", f"/repos/{name}/git/refs", {"ref": "refs/heads/main", "sha": commit["sha"]})[0] == 422
    )
    assert (
        call(editor_url, "POST", f"/repos/{name}/git/refs", {"ref": "refs/heads/a..b", "sha": commit["sha"]})[0] == 422
    )
    assert call(editor_url, "POST", f"/repos/{name}/forks", {})[0] == 403
    assert call(editor_url, "POST", f"/repos/{name}/git/trees", raw=b"{bukan json")[0] == 400
    assert call(editor_url, "GET", f"/repos/{name}/git/blobs/{'0' * 40}")[0] == 404
    assert git(repo, "rev-parse", "main").strip() == head  # nothing of this reached main


def test_satudata_sunting_reports_a_busy_port_and_a_folder_without_git(repo, tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            main, ["sunting", "--katalog", str(repo), "--situs", str(tmp_path), "--port", str(port)]
        )
    assert result.exit_code == 3 and "port sudah dipakai" in result.output
    (tmp_path / "metadata").mkdir()
    result = CliRunner().invoke(main, ["sunting", "--katalog", str(tmp_path), "--situs", str(tmp_path)])
    assert result.exit_code == 3 and "bukan repositori git" in result.output


def test_satudata_sunting_builds_its_portal_and_says_where_the_editor_is(repo):
    """The build it runs itself prints no 'satudata serve' hint: the editor serves the portal."""
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "sunting", "--katalog", str(repo), "--port", "0", "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )  # fmt: skip
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Usulan menjadi cabang") or len(lines) > 40:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = "".join(lines)
    assert "Membangun portal untuk penyunting" in text and "Portal dibangun di " in text, text
    assert "Penyunting lokal: http://127.0.0.1:" in text and f"Token: {TOKEN}" in text
    assert "satudata serve" not in text and "Buka dengan" not in text


def test_the_editor_passes_axe_with_its_errors_shown(page, editor_url):
    """axe-core on the editor itself (the portal's header and tabs are the theme's, checked elsewhere)."""
    from webtools import axe

    user = User(page)
    sign_in(user, editor_url)
    axe(page)  # injects axe-core
    run = "async () => (await axe.run('#sds-sunting', {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})).violations"
    report = lambda vs: [(v["id"], [n["target"] for n in v["nodes"]][:4]) for v in vs]  # noqa: E731
    assert report(page.evaluate(run)) == []
    user.click("button:text-is('Kegiatan baru')")
    user.click("button:text-is('Periksa')")  # the form with every error shown
    expect(page.locator("#sds-ringkasan")).to_contain_text("galat")
    assert report(page.evaluate(run)) == []
