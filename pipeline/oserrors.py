"""Errors of the machine, in words: a full disk, a permission, a port in use, a read-only folder.

Every command that writes or listens turns an :class:`OSError` into one of these (exit code 3,
environment), so a person reads what happened to which file and what to do, never a traceback.
"""

from __future__ import annotations

import errno

from .codes import Finding, finding

_DISK = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_PERMISSION = {errno.EACCES, errno.EPERM}


def explain(exc: OSError, what: str | None = None) -> tuple[str, str, str]:
    """(finding code, what happened, what to do) for an error of the operating system."""
    where = what or exc.filename or "berkas"
    if exc.errno in _DISK:
        return (
            "disk-penuh",
            f"Ruang disk habis (atau batas ukuran berkas tercapai) saat menulis {where}.",
            "Kosongkan ruang disk atau pilih folder di disk lain, lalu ulangi perintahnya. Tidak ada berkas yang "
            "setengah tertulis.",
        )
    if exc.errno in _PERMISSION:
        return (
            "izin-ditolak",
            f"Izin ditolak untuk {where}: akun ini tidak boleh menulis atau membaca di sana.",
            "Periksa izin folder (misalnya chmod/chown, atau Properties → Security di Windows), atau jalankan "
            "dari folder milik Anda.",
        )
    if exc.errno == errno.EROFS:
        return (
            "izin-ditolak",
            f"{where} berada di disk yang hanya dapat dibaca.",
            "Salin katalog ke disk yang dapat ditulis, lalu ulangi perintahnya.",
        )
    if exc.errno == errno.EADDRINUSE:
        return (
            "port-dipakai",
            f"Port {what or ''} sudah dipakai program lain.".replace("Port  ", "Port "),
            "Tutup program itu (atau satudata serve yang masih berjalan), atau pilih port lain, misalnya --port 8001.",
        )
    detail = exc.strerror or type(exc).__name__
    return (
        "sistem-gagal",
        f"Sistem operasi menolak operasi pada {where}: {detail}.",
        "Periksa ruang disk, izin folder dan port, lalu ulangi perintahnya.",
    )


def os_finding(exc: OSError, berkas: str, what: str | None = None) -> Finding:
    kode, pesan, saran = explain(exc, what or berkas)
    return finding(kode, berkas, pesan, saran)
