"""The Pagefind release that indexes the portal's search.

Pagefind 1.6.0 groups a word's matches by page before scoring them: at 10,000 activities it
answers the commonest words 5–7× faster than 1.5.2 (``benchmarks/README.md``). PyPI's newest
``pagefind_bin`` is 1.5.2; 1.6.0 is published on npm only. :func:`install` (``satudata
pasang-pagefind``, run by ``scripts/install``) downloads this platform's npm package, checks
it against the SHA-512 pinned below and unpacks the binary into the user's cache. Without it
the build falls back to PyPI's 1.5.2, a dependency, and says so.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import platform
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "1.6.0"
REGISTRY = "https://registry.npmjs.org"
# (sys.platform, machine) → npm package of the binary, and npm's SHA-512 of its tarball
PACKAGES = {
    ("linux", "x86_64"): ("@pagefind/linux-x64", "IbMSx/+Vr/Xk0TTBlLkjgK+rvnbOXGmmb2/MKxQu99AR5DsqQoV3NKEA9PQz2tAhuCZjeD5xJBp4w5N5DHIC7Q=="),
    ("linux", "aarch64"): ("@pagefind/linux-arm64", "SLB2I+XqCZma8NvIGIH8nyKblgKIxw5PmqsVtofWOKxNHhEtOEsddbqU+hsrNcT3EV0faM6UmKDHVIxcPYq29w=="),
    ("darwin", "x86_64"): ("@pagefind/darwin-x64", "rd3ZbtuxyYqjASKZAPuIV7eeQQHJ7VYpoNKKG8CvglaD3g30eT5Nb7XGNLYwVReBsCccpkURwrGwWjSwr8nyQQ=="),
    ("darwin", "arm64"): ("@pagefind/darwin-arm64", "611gl64aqN12UcMyKPtZ8+vRWBKlJFSh2JgO8uScxa1Eyjo1dXz9r4wZuRno0yCUE/KN0FauEoKZ3KEwUYHCCg=="),
    ("win32", "amd64"): ("@pagefind/windows-x64", "cUA2+yXfbymdJllyMjY5YTBwuOgh0/H53Pn5fYKjDnDjk154Ft4U5RVj3TenWySPL/jG6zJfARUWSlyUyXHlZw=="),
}  # fmt: skip
MAX_TARBALL = 64 * 1024 * 1024


class InstallError(Exception):
    """Pagefind could not be installed; the message says why, in Indonesian."""


def _binary_name() -> str:
    return "pagefind_extended.exe" if sys.platform == "win32" else "pagefind_extended"


def target_dir() -> Path:
    """Where the binary is kept: ``$SATUDATA_PAGEFIND_DIR``, else the user's cache."""
    if os.environ.get("SATUDATA_PAGEFIND_DIR"):
        return Path(os.environ["SATUDATA_PAGEFIND_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "satudata" / f"pagefind-{VERSION}"


def installed() -> Path | None:
    """The pinned release's binary, if :func:`install` has put it in place."""
    path = target_dir() / _binary_name()
    return path if path.is_file() else None


def command() -> list[str]:
    """How to run Pagefind: the pinned release, else PyPI's ``pagefind_bin``."""
    binary = installed()
    return [str(binary)] if binary else [sys.executable, "-m", "pagefind"]


def install(registry: str = REGISTRY, package: tuple[str, str] | None = None) -> Path:
    """Download, verify and unpack the pinned release for this platform; returns the binary."""
    if (done := installed()) is not None:
        return done
    key = (sys.platform, platform.machine().lower())
    package = package or PACKAGES.get(key)
    if package is None:
        raise InstallError(
            f"Tidak ada Pagefind {VERSION} untuk platform {key[0]}/{key[1]}; "
            "portal tetap dibangun dengan Pagefind dari PyPI."
        )
    name, integrity = package
    url = f"{registry}/{name}/-/{name.split('/')[1]}-{VERSION}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read(MAX_TARBALL + 1)
    except OSError as exc:
        raise InstallError(f"Pagefind {VERSION} tidak dapat diunduh dari {url}: {exc}") from None
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if len(data) > MAX_TARBALL or digest != integrity:
        raise InstallError(
            f"Berkas {url} tidak cocok dengan SHA-512 yang disematkan; tidak dipasang. "
            "Coba lagi nanti, atau laporkan ke pengelola proyek."
        )
    return _unpack(data, target_dir())


def _unpack(data: bytes, target: Path) -> Path:
    """Write the one binary from the verified tarball; nothing else, wherever it points."""
    wanted = f"package/bin/{_binary_name()}"
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = next((m for m in tar.getmembers() if m.name == wanted and m.isfile()), None)
        if member is None:
            raise InstallError(f"Paket Pagefind tidak berisi {wanted}.")
        content = tar.extractfile(member).read()
    target.mkdir(parents=True, exist_ok=True)
    path = target / _binary_name()
    partial = path.with_name(path.name + ".sebagian")
    partial.write_bytes(content)
    partial.chmod(0o755)
    partial.replace(path)  # never a half-written binary under the real name
    return path
