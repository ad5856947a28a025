"""Lighthouse scores (mobile) of a built portal: home, one activity and the search page.

    python benchmarks/lighthouse.py SITE [--port 8765] [--halaman kegiatan/…/] [--lighthouse BIN]

Serves SITE on 127.0.0.1 with gzip, as GitHub Pages does (build it with ``--url-situs http://127.0.0.1:PORT/`` for that port, so its
canonical links and 404 page point at the served copy), runs Lighthouse (npm ``lighthouse@12.2.3``; version 13 needs Node 22)
with Debian's Chromium (``CHROME_PATH``) on each page with its default mobile settings
(emulated Moto G Power, throttled 4G and CPU), and prints the four category scores per page.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class Quiet(SimpleHTTPRequestHandler):
    """Serves like GitHub Pages, where the portal is published: text files gzip-compressed."""

    TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in self.TEXT or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def default_binary() -> str:
    for folder in (REPO, REPO.parent / "portal-npm"):
        candidate = folder / "node_modules" / ".bin" / "lighthouse"
        if candidate.exists():
            return str(candidate)
    return shutil.which("lighthouse") or "lighthouse"


def scores(binary: str, url: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "laporan.json"
        subprocess.run(
            [binary, url, "--quiet", "--output=json", f"--output-path={report}",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run",
             f"--only-categories={','.join(CATEGORIES)}"],
            check=True, env=os.environ | {"CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"},
        )  # fmt: skip
        data = json.loads(report.read_text())
    out = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failed = [
        a["id"]
        for c in CATEGORIES
        for ref in data["categories"][c]["auditRefs"]
        if ref["weight"] and (a := data["audits"][ref["id"]])["score"] is not None and a["score"] < 1
    ]
    return out | {"audit_kurang": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--halaman", nargs="+", default=["", "kegiatan/dinkes/2025-profil-kesehatan/", "cari/"])
    parser.add_argument("--lighthouse", default=default_binary())
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        for page in args.halaman:
            print(json.dumps({"halaman": page or "/", **scores(args.lighthouse, base + page)}), flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
