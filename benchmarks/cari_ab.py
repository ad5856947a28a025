"""The search page of two built sites, query by query, in alternating rounds (same machine, same load).

    python benchmarks/cari_ab.py SITE_A SITE_B --kata guru "jumlah pendudk" [--putaran 3]

For example SITE_B from ``portal.py --kegiatan 10000 --hanya-cari --simpan SITE_B``, and SITE_A a
copy of it with an older revision's search page and engine
(``git show REV:pipeline/publish/web/cari.js > SITE_A/pencarian/cari.js``, and its ``cari/index.html``).
Prints per query the typed (input → results shown) and engine-only cold medians with every run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from pathlib import Path

from portal import CHROMIUM_ARGS, measure_ours, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", type=Path, nargs=2)
    parser.add_argument("--kata", nargs="+", required=True)
    parser.add_argument("--putaran", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    runs: dict[Path, list] = {site: [] for site in args.sites}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for _ in range(args.putaran):
            for site in args.sites:
                server, url = serve(site)
                runs[site].append(measure_ours(browser, url, args.kata))
                server.shutdown()
        browser.close()
    for site, rounds in runs.items():
        for i, query in enumerate(args.kata):
            typed = [r[i]["ui"] for r in rounds]
            cold = [r[i]["cold"] for r in rounds]
            print(json.dumps({"situs": str(site), "kata": query, "typed_median": round(statistics.median(typed)),
                              "typed": [round(t) for t in typed], "cold_median": round(statistics.median(cold)),
                              "bytes": rounds[0][i]["bytes"], "total": rounds[0][i]["total"]}))  # fmt: skip


if __name__ == "__main__":
    main()
