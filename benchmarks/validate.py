"""Validation speed at catalog scale: cold, warm, one file changed, every mtime touched.

    python benchmarks/validate.py --kegiatan 1000 10000 [--ulang 5] [--pekerja 2]

For each size it generates a synthetic catalog (benchmarks/generate.py) in a git repository
and times the real command, ``python -m pipeline validate``, in a fresh process each run:
- cold: no cache (``.satudata-cache/`` removed), all files checked by worker processes;
- warm: nothing changed since the last run (git tree + status match the cache);
- one file changed: an uncommitted edit to one variable (proportional-to-change path);
- one file committed: the same edit, committed (found through git's diff of the two trees);
- touched: every file's mtime changed, contents equal (a fresh checkout): files are hashed.
Prints medians of --ulang runs (cold once) and the peak memory of the cold run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

REPO = Path(__file__).resolve().parent.parent


def run(root: Path, workers: int) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one `satudata validate` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", str(root), "--pekerja", str(workers), "--format", "json"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1) or not proc.stdout.startswith("{"):
        raise SystemExit(proc.stderr[-2000:])
    return seconds, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kegiatan", type=int, nargs="+", default=[1000])
    parser.add_argument("--ulang", type=int, default=5)
    parser.add_argument("--pekerja", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--simpan", type=Path, help="reuse/keep the generated catalogs in this folder")
    args = parser.parse_args()
    for n in args.kegiatan:
        tmp = None
        if args.simpan:
            root = args.simpan / f"katalog-{n}"
        else:
            tmp = tempfile.mkdtemp(prefix=f"validate-{n}-")
            root = Path(tmp)
        if not (root / "metadata").is_dir():
            generate(root, n)
            git(root, "init", "-q")
            git(root, "add", "-A")
            git(root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "katalog")
        files = sum(1 for _ in (root / "metadata").rglob("*.yaml"))
        shutil.rmtree(root / ".satudata-cache", ignore_errors=True)
        cold, peak = run(root, args.pekerja)
        warm = statistics.median(run(root, args.pekerja)[0] for _ in range(args.ulang))
        target = next((root / "metadata").rglob("variabel/*.yaml"))
        original = target.read_text()
        changed = []
        for i in range(args.ulang):
            target.write_text(original.replace("nama: ", f"nama: Ubah {i} ", 1))
            changed.append(run(root, args.pekerja)[0])
        target.write_text(original)
        run(root, args.pekerja)
        committed = []  # a new commit (a merged PR, a pull): git's tree diff names the folder
        for i in range(args.ulang):
            target.write_text(original.replace("nama: ", f"nama: Komit {i} ", 1))
            git(root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qam", f"ubah {i}")
            committed.append(run(root, args.pekerja)[0])
        target.write_text(original)
        git(root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qam", "kembalikan")
        run(root, args.pekerja)
        touched = []
        for i in range(args.ulang):
            stamp = time.time_ns() + i
            for path in (root / "metadata").rglob("*.yaml"):
                os.utime(path, ns=(stamp, stamp))
            touched.append(run(root, args.pekerja)[0])
        print({
            "kegiatan": n, "berkas": files, "pekerja": args.pekerja,
            "dingin_s": round(cold, 2), "hangat_s": round(warm, 2),
            "satu_berubah_s": round(statistics.median(changed), 2),
            "satu_komit_s": round(statistics.median(committed), 2),
            "mtime_berubah_s": round(statistics.median(touched), 2),
            "dingin_us_per_berkas": round(1e6 * cold / files, 1),
            "memori_puncak_mb": round(peak / 1024),
        }, flush=True)  # fmt: skip
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
