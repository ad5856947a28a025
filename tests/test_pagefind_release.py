"""Installing the pinned Pagefind: only a tarball matching the pinned SHA-512 is unpacked, and
only its binary is written, from a real HTTP server standing in for the npm registry."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import subprocess
import tarfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline import pagefind_release


def _tarball(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """A folder served over HTTP like registry.npmjs.org; the binary goes to a folder of its own."""
    monkeypatch.setenv("SATUDATA_PAGEFIND_DIR", str(tmp_path / "alat"))
    files = tmp_path / "npm"
    (files / "@pagefind" / "uji" / "-").mkdir(parents=True)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(files)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield (
        files / "@pagefind" / "uji" / "-" / f"uji-{pagefind_release.VERSION}.tgz",
        f"http://127.0.0.1:{server.server_address[1]}",
    )
    server.shutdown()


SCRIPT = b"#!/bin/sh\necho pagefind uji\n"


def test_verified_tarball_gives_only_its_binary(registry, tmp_path):
    tgz, url = registry
    data = _tarball({"package/bin/pagefind_extended": SCRIPT, "package/../../jahat": b"x", "package/README.md": b"r"})
    tgz.write_bytes(data)
    integrity = base64.b64encode(hashlib.sha512(data).digest()).decode()
    path = pagefind_release.install(url, ("@pagefind/uji", integrity))
    assert path == tmp_path / "alat" / "pagefind_extended"
    assert sorted(p.name for p in (tmp_path / "alat").iterdir()) == ["pagefind_extended"]
    assert not (tmp_path / "jahat").exists()
    assert subprocess.run([str(path)], capture_output=True, text=True).stdout == "pagefind uji\n"
    assert pagefind_release.command() == [str(path)]


def test_tampered_tarball_is_refused(registry, tmp_path):
    tgz, url = registry
    good = _tarball({"package/bin/pagefind_extended": SCRIPT})
    tgz.write_bytes(_tarball({"package/bin/pagefind_extended": b"#!/bin/sh\necho lain\n"}))
    integrity = base64.b64encode(hashlib.sha512(good).digest()).decode()
    with pytest.raises(pagefind_release.InstallError, match="SHA-512"):
        pagefind_release.install(url, ("@pagefind/uji", integrity))
    assert not (tmp_path / "alat").exists()
    assert pagefind_release.installed() is None
    assert pagefind_release.command()[1:] == ["-m", "pagefind"]  # PyPI's Pagefind meanwhile


def test_unreachable_registry_says_so(registry):
    _, url = registry
    with pytest.raises(pagefind_release.InstallError, match="tidak dapat diunduh"):
        pagefind_release.install(url, ("@pagefind/uji", "x"))
