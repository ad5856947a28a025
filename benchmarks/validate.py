"""Validation speed at catalog scale: cold, warm, one file changed, every mtime touched.

    python benchmarks/validate.py --kegiatan 1000 10000 [--ulang 5] [--pekerja 2]
                                  [--simpan DIR] [--kode CHECKOUT --python PY]

For each size it generates a synthetic catalog (benchmarks/generate.py) in a git repository
and times the real command, ``python -m pipeline validate``, in a fresh process each run:
- cold: no cache, all files checked by worker processes;
- warm: nothing changed since the last run (git tree + status match the cache);
- one file changed: an uncommitted edit to one variable (proportional-to-change path);
- one file committed: the same edit, committed (found through git's diff of the two trees);
- touched: every file's mtime changed, contents equal (a fresh checkout).
Each figure is the whole command: wall seconds and CPU seconds (user + system of the command
and every process it waited for: workers, git), medians of --ulang runs (cold once), and the
peak memory of the cold run (the largest resident set of any one of those processes).

``--kode`` times another checkout of the code (e.g. the code before a change) with its own
interpreter (``--python``), on the same catalog, so that two versions can be run in turn. The
cache goes to a fresh folder for each size (``SATUDATA_CACHE``); older versions keep theirs in
``.satudata-cache/`` inside the catalog. Both are removed before the cold run and at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

REPO = Path(__file__).resolve().parent.parent


class Runner:
    """Runs `satudata validate` of one checkout of the code on one catalog."""

    def __init__(self, root: Path, code: Path, python: str, workers: int, cache: str):
        self.root, self.workers = root, workers
        self.command = [python, "-m", "pipeline", "validate", str(root), "--pekerja", str(workers), "--format", "json"]
        self.env = {**os.environ, "PYTHONPATH": str(code), "SATUDATA_CACHE": cache}
        self.env.pop("CI", None)  # the cache is what is measured
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: compiled once, not every run

    def run(self) -> tuple[float, float, int]:
        """Wall seconds, CPU seconds and peak RSS (KiB) of one run in a fresh process."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            proc = subprocess.Popen(self.command, stdout=out, stderr=err, env=self.env)
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            if proc.returncode not in (0, 1) or not out.read(1) == b"{":
                err.seek(0)
                raise SystemExit(err.read()[-2000:].decode("utf-8", "replace"))
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss

    def median(self, before=None, times: int = 5) -> tuple[float, float]:
        """Median wall and CPU seconds of ``times`` runs, each after ``before(i)``."""
        walls, cpus = [], []
        for i in range(times):
            if before:
                before(i)
            wall, cpu, _ = self.run()
            walls.append(wall)
            cpus.append(cpu)
        return statistics.median(walls), statistics.median(cpus)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@localhost", *args],
                   check=True, capture_output=True)  # fmt: skip


def catalog(args, n: int) -> tuple[Path, str | None]:
    """The catalog of ``n`` activities (generated unless kept from an earlier run), and the
    temporary folder to remove afterwards."""
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
        git(root, "commit", "-qm", "katalog")
    return root, tmp


def measure(runner: Runner, root: Path, ulang: int, cache: str) -> dict:
    for old in (root / ".satudata-cache", Path(cache)):
        shutil.rmtree(old, ignore_errors=True)
    cold, cold_cpu, peak = runner.run()
    out = {"dingin_s": cold, "dingin_cpu_s": cold_cpu, "memori_puncak_mb": round(peak / 1024)}
    out["hangat_s"], out["hangat_cpu_s"] = runner.median(times=ulang)
    target = next((root / "metadata").rglob("variabel/*.yaml"))
    original = target.read_text()

    def edit(i: int) -> None:
        target.write_text(original.replace("nama: ", f"nama: Ubah {i} ", 1))

    def commit(i: int) -> None:  # a new commit (a merged PR, a pull): git's tree diff names the folder
        target.write_text(original.replace("nama: ", f"nama: Komit {i} ", 1))
        git(root, "commit", "-qam", f"ubah {i}")

    out["satu_berubah_s"], out["satu_berubah_cpu_s"] = runner.median(edit, times=ulang)
    target.write_text(original)
    runner.run()
    out["satu_komit_s"], out["satu_komit_cpu_s"] = runner.median(commit, times=ulang)
    target.write_text(original)
    git(root, "commit", "-qam", "kembalikan")
    runner.run()

    def touch(i: int) -> None:
        stamp = time.time_ns() + i
        for path in (root / "metadata").rglob("*.yaml"):
            os.utime(path, ns=(stamp, stamp))

    out["mtime_berubah_s"], out["mtime_berubah_cpu_s"] = runner.median(touch, times=ulang)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kegiatan", type=int, nargs="+", default=[1000])
    parser.add_argument("--ulang", type=int, default=5)
    parser.add_argument("--pekerja", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--simpan", type=Path, help="reuse/keep the generated catalogs in this folder")
    parser.add_argument("--kode", type=Path, default=REPO, help="the checkout whose pipeline/ is timed")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to time it with")
    args = parser.parse_args()
    for n in args.kegiatan:
        root, tmp = catalog(args, n)
        files = sum(1 for _ in (root / "metadata").rglob("*.yaml"))
        cache = tempfile.mkdtemp(prefix="validate-cache-")
        try:
            runner = Runner(root, args.kode.resolve(), args.python, args.pekerja, cache)
            figures = measure(runner, root, args.ulang, cache)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(root / ".satudata-cache", ignore_errors=True)
        print({
            "kode": str(args.kode), "kegiatan": n, "berkas": files, "pekerja": args.pekerja,
            **{k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()},
            "dingin_us_per_berkas": round(1e6 * figures["dingin_s"] / files, 1),
        }, flush=True)  # fmt: skip
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
