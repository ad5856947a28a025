"""Errors of the machine, in words: a full disk, a permission, a read-only folder, a port in use.

What writing a file (this package's work) and serving the portal can meet. Every command turns an
:class:`OSError` into one of these (exit code 3, environment), so a person reads what happened to
which file and what to do, never a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil

from ..codes import Finding, finding

_DISK = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_WORDS = {
    errno.ENOENT: "tidak ditemukan",
    errno.EEXIST: "sudah ada",
    errno.ENOTDIR: "bukan folder",
    errno.EISDIR: "sebuah folder, bukan berkas",
}
_PERMISSION = {errno.EACCES, errno.EPERM}


def _errno(exc: OSError) -> int | None:
    """The error number, also of shutil.Error (copytree), which lists the failures as text."""
    if exc.errno is not None or not isinstance(exc, shutil.Error) or not exc.args:
        return exc.errno
    texts = " ".join(str(item) for item in exc.args[0]) if isinstance(exc.args[0], list) else str(exc.args[0])
    return next((n for n in (*_DISK, *_PERMISSION, errno.EROFS) if os.strerror(n) in texts), None)


def explain(exc: OSError, what: str | None = None) -> tuple[str, str, str]:
    """(finding code, what happened, what to do) for an error of the operating system."""
    where = what or exc.filename or "berkas"
    number = _errno(exc)
    if number in _DISK:
        return (
            "disk-penuh",
            f"Ruang disk habis (atau batas ukuran berkas tercapai) saat menulis {where}.",
            "Kosongkan ruang disk atau pilih folder di disk lain, lalu ulangi perintahnya. Tidak ada berkas yang "
            "setengah tertulis.",
        )
    if number in _PERMISSION:
        return (
            "izin-ditolak",
            f"Izin ditolak untuk {where}: akun ini tidak boleh menulis atau membaca di sana.",
            "Periksa izin folder (misalnya chmod/chown, atau Properties → Security di Windows), atau jalankan "
            "dari folder milik Anda.",
        )
    if number == errno.EROFS:
        return (
            "izin-ditolak",
            f"{where} berada di disk yang hanya dapat dibaca.",
            "Salin katalog ke disk yang dapat ditulis, lalu ulangi perintahnya.",
        )
    if number == errno.EADDRINUSE:
        return (
            "port-dipakai",
            f"{where} sudah dipakai program lain.",
            "Tutup program itu (atau satudata serve yang masih berjalan), atau pilih port lain, misalnya --port 8001.",
        )
    detail = _WORDS.get(number, exc.strerror or type(exc).__name__)
    return (
        "sistem-gagal",
        f"Sistem operasi menolak ({detail}): {where}.",
        "Periksa ruang disk, izin folder dan port, lalu ulangi perintahnya.",
    )


def os_finding(exc: OSError, berkas: str, what: str | None = None) -> Finding:
    kode, pesan, saran = explain(exc, what or berkas)
    return finding(kode, berkas, pesan, saran)
