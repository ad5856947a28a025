"""Click's own texts in Bahasa Indonesia: "Usage:", "Options", "Error: No such option …", "Show this
message and exit." and the rest.

Click marks every text it prints with gettext (``_()`` and ``ngettext()`` bound in each of its
modules). :func:`install` points those names at :data:`TEXTS`, so the whole command line speaks
one language whatever the machine's locale. ``tests/test_cli_docs.py`` checks that every text of
the installed click has a translation here.
"""

from __future__ import annotations

import importlib

TEXTS: dict[str, str] = {
    # help pages
    "Usage:": "Penggunaan:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "Show this message and exit.": "Tampilkan pesan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "%(prog)s, version %(version)s": "%(prog)s, versi %(version)s",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "(dynamic)": "(dinamis)",
    "deprecated": "usang",
    "Do you want to continue?": "Lanjutkan?",
    "Confirm the action without prompting.": "Setujui tindakan tanpa bertanya.",
    "Press any key to continue...": "Tekan sembarang tombol untuk melanjutkan...",
    "Repeat for confirmation": "Ulangi untuk konfirmasi",
    # errors
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "Aborted!": "Dibatalkan.",
    "Missing command.": "Perintah belum disebut.",
    "No such command {name!r}.": "Tidak ada perintah {name!r}.",
    "No such option {name!r}.": "Tidak ada opsi {name!r}.",
    "Did you mean {possibility}?": "Mungkin maksud Anda {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Mungkin maksud Anda salah satu dari: {possibilities}?)",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Opsi belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing parameter: {param_name}": "Parameter belum diisi: {param_name}",
    "Missing {param_type}": "{param_type} belum diisi",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "unknown error": "galat tidak dikenal",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
    "Got unexpected extra argument ({args})": "Ada argumen lebih yang tidak dikenal ({args})",
    "Got unexpected extra arguments ({args})": "Ada argumen lebih yang tidak dikenal ({args})",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Option {name!r} requires an argument.": "Opsi {name!r} memerlukan satu nilai.",
    "Option {name!r} requires {nargs} arguments.": "Opsi {name!r} memerlukan {nargs} nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} menerima {nargs} nilai.",
    "Takes {nargs} values but 1 was given.": "Menerima {nargs} nilai, tetapi hanya 1 yang diberikan.",
    "Takes {nargs} values but {len} were given.": "Menerima {nargs} nilai, tetapi {len} yang diberikan.",
    "Invalid start character for option ({option})": "Awal opsi tidak sah ({option})",
    "Value must be an iterable.": "Nilai harus berupa daftar.",
    "Error: The two entered values do not match.": "Galat: kedua nilai yang dimasukkan tidak sama.",
    "Error: invalid input": "Galat: masukan tidak sah",
    # parameter types
    "file": "berkas",
    "directory": "folder",
    "path": "jalur",
    "Choose from:\n\t{choices}": "Pilih dari:\n\t{choices}",
    "Choice({choices})": "Pilihan({choices})",
    "{value!r} is not {choice}.": "{value!r} bukan {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} bukan salah satu dari {choices}.",
    "{value!r} does not match the format {format}.": "{value!r} tidak sesuai format {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} tidak sesuai format {formats}.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} bukan nilai benar/salah yang sah. Nilai yang dikenal: {states}"
    ),
    "{len_type} values are required, but {len_value} was given.": (
        "Perlu {len_type} nilai, tetapi {len_value} yang diberikan."
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "Perlu {len_type} nilai, tetapi {len_value} yang diberikan."
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{value!r} is not a valid UUID.": "{value!r} bukan UUID yang sah.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder, bukan berkas.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulis.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} tidak dapat dijalankan.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    # texts for the programmer, or for terminals and shells satudata does not use
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Peringatan: perintah {name!r} usang.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Peringatan: {param_type} {name!r} usang.{extra_message}"
    ),
    "Could not determine name for option with declarations {decls!r}": (
        "Nama opsi dengan deklarasi {decls!r} tidak dapat ditentukan"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": (
        "Tidak ada opsi yang dideklarasikan, tetapi sebuah nama diberikan ({name}). Maksudnya argumen, atau '--{name}'?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Argumen menerima tepat satu deklarasi parameter, diberikan {length}: {decls}."
    ),
    "Name '{name}' defined twice": "Nama '{name}' dideklarasikan dua kali",
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "Opsi benar/salah {decl!r} tidak dapat memakai penanda yang sama untuk benar dan salah."
    ),
    "Unknown color {colour!r}": "Warna {colour!r} tidak dikenal",
    "Unknown standard stream '{name}'": "Aliran standar '{name}' tidak dikenal",
    "{editor}: Editing failed": "{editor}: penyuntingan gagal",
    "{editor}: Editing failed: {e}": "{editor}: penyuntingan gagal: {e}",
    "Windows error: {error}": "Galat Windows: {error}",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Versi Bash tidak terdeteksi; pelengkapan perintah tidak didukung."
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "Pelengkapan perintah tidak didukung untuk Bash sebelum versi 4.4."
    ),
    "d": "d",  # the default answer of click.edit's prompt
}

CLICK_MODULES = (
    "core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils", "shell_completion",
    "_termui_impl",
)  # fmt: skip


def gettext(message: str) -> str:
    return TEXTS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Make click print :data:`TEXTS` (idempotent)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
