"""The browser and HTML checkers the portal tests use, as installed by ``bash scripts/install --test``.

Debian's Chromium (driven by Playwright), axe-core, the Nu Html Checker (vnu-jar, on Debian's JRE)
and Lighthouse 12, the npm ones pinned by ``package-lock.json``. All run offline against a portal
served from 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "node_modules"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"


def installed(path: Path) -> Path:
    """``path`` if the npm tools are installed; otherwise fail saying how to install them."""
    assert path.exists(), f"{path.relative_to(REPO)} is missing: run `bash scripts/install --test` (npm ci)"
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the block; yields the base URL with a slash."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def axe(page, **options) -> dict:
    """Inject axe-core into a Playwright page and return ``axe.run()``'s result."""
    page.add_script_tag(path=str(installed(AXE)))
    return page.evaluate("options => axe.run(document, options)", options)


def vnu(*files: Path) -> dict:
    """The Nu Html Checker's JSON report on ``files`` (``messages`` with ``type`` error/info)."""
    java = shutil.which("java")
    assert java, "java is missing: run `bash scripts/install --test` (Debian's default-jre-headless)"
    proc = subprocess.run(
        [java, "-jar", str(installed(VNU)), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stderr)  # vnu writes its report to stderr


def lighthouse(url: str, out: Path, *categories: str) -> dict:
    """Lighthouse's report (``lhr``) for ``url``, run on Debian's Chromium; ``categories`` narrow it."""
    command = [
        str(installed(LIGHTHOUSE)),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        # headless=new: Lighthouse 12 needs the new headless mode; the rest as for every test browser
        "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_ARGS[1:]]),
    ]
    if categories:
        command.append("--only-categories=" + ",".join(categories))
    env = os.environ | {"CHROME_PATH": CHROMIUM}
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8"))
