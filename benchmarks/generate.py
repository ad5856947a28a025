"""Generate a synthetic, valid catalog of any size for benchmarks.

    python benchmarks/generate.py OUT --kegiatan 1000 [--variabel 20] [--indikator 3] [--seed 1]

OUT gets metadata/ (OPDs, public activities with an SOP log, variables, indicators), plus the
project's mkdocs.yml and docs/ so that ``satudata build OUT`` works. Names and definitions are
drawn from a fixed Indonesian vocabulary so that search queries have realistic hit rates.
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from conftest import INDIKATOR, KOMPROMIN, OPD, VARIABEL, events  # noqa: E402

WORDS = (
    "penduduk rumah tangga sekolah murid guru puskesmas bidan bayi balita ibu hamil imunisasi gizi stunting "
    "sawah padi jagung kedelai ternak sapi kambing ikan nelayan pasar harga beras cabai bawang jalan jembatan "
    "air bersih sanitasi sampah limbah hutan lahan banjir bencana desa kelurahan kecamatan usaha mikro koperasi "
    "pajak retribusi anggaran belanja pendapatan pegawai pelayanan perizinan wisata hotel restoran kendaraan "
    "angkutan listrik internet telepon pengangguran pekerja upah pelatihan disabilitas lansia kemiskinan bantuan"
).split()
SECTORS = ["Kesehatan", "Pendidikan dan Pelatihan", "Pertanian dan Perikanan", "Lingkungan", "Ketenagakerjaan",
           "Demografi dan Kependudukan", "Transportasi", "Keuangan", "Industri dan Jasa", "Pembangunan"]  # fmt: skip


def _vocabulary(size: int = 4000) -> list[str]:
    """The 100 real words first, then made-up Indonesian-like words (consonant-vowel syllables)."""
    rng = random.Random(0)
    syllables = [c + v for c in "bcdgjklmnprstw" for v in "aiueo"] + ["ng", "ny"]
    words = list(WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


VOCABULARY = _vocabulary()
# Zipf-like word frequencies, as in real text: a few words are everywhere, most are rare
_CUMULATIVE = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(VOCABULARY))))


def phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=n))


def dump(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def generate(out: Path, activities: int, variables: int = 20, indicators: int = 3, seed: int = 1) -> dict:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", out / "mkdocs.yml")
    if not (out / "docs").exists():
        shutil.copytree(REPO / "docs", out / "docs")
    opds = [f"opd-{i:03d}" for i in range(max(1, activities // 20))]
    for i, slug in enumerate(opds):
        dump(out / "metadata" / slug / "opd.yaml", OPD | {"nama": f"Dinas Sintetis {i:03d}", "singkatan": f"DS{i:03d}"})
    counts = {"kegiatan": 0, "variabel": 0, "indikator": 0}
    for k in range(activities):
        opd = opds[k % len(opds)]
        year = 2023 + k % 3
        folder = out / "metadata" / opd / f"{year}-kegiatan-{k:05d}"
        var_names = [f"Jumlah {phrase(rng, 2)} {k}-{j}" for j in range(variables)]  # unique: no duplicate warnings
        keg = KOMPROMIN | {
            "judul_kegiatan": f"Kompilasi Produk Administrasi {phrase(rng, 3).title()} {k}",
            "tahun": year,
            "sektor_kegiatan": rng.choice(SECTORS),
            "alur": events(1, 7, 8, 9, 11),
        }
        keg["perencanaan"] = keg["perencanaan"] | {
            "latar_belakang": f"Data {phrase(rng, 12)} dibutuhkan untuk perencanaan {phrase(rng, 6)}.",
            "jadwal": {p: [{"awal": f"{year}-{m}", "akhir": f"{year}-{m}"}] for p, m in
                       zip(KOMPROMIN["perencanaan"]["jadwal"], ["01", "02", "03", "05", "06", "07", "09"], strict=True)},
            "variabel_dikumpulkan": [{"nama": n, "definisi": f"Banyaknya {n[7:]}.", "referensi_waktu": "Tahun lalu"}
                                     for n in var_names[:3]],
        }  # fmt: skip
        dump(folder / "kegiatan.yaml", keg)
        for j, name in enumerate(var_names):
            dump(folder / "variabel" / f"v{j:02d}.yaml", VARIABEL | {
                "nama": name, "konsep": name[7:],
                "definisi": f"{name} adalah banyaknya {phrase(rng, 8)} yang tercatat pada {phrase(rng, 4)}.",
            })  # fmt: skip
        for j in range(indicators):
            dump(folder / "indikator" / f"i{j}.yaml", INDIKATOR | {
                "nama": f"Persentase {phrase(rng, 3)} {k}-{j}",
                "definisi": f"Perbandingan {phrase(rng, 6)} terhadap {phrase(rng, 4)} dikali 100.",
                "variabel_pembangun": ["v00", "v01"],
            })  # fmt: skip
        counts["kegiatan"] += 1
        counts["variabel"] += variables
        counts["indikator"] += indicators
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--kegiatan", type=int, default=100)
    parser.add_argument("--variabel", type=int, default=20)
    parser.add_argument("--indikator", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.out, args.kegiatan, args.variabel, args.indikator, args.seed)
    print(f"{counts} in {time.perf_counter() - started:.1f} s → {args.out}")


if __name__ == "__main__":
    main()
