"""JSON from outside the catalog (GitHub's API and payloads, workflow artifacts, reports), read as
hostile data.

:func:`loads` and :func:`load_file` accept only a document a person or GitHub could mean: UTF-8,
at most ``max_bytes``, nested at most :data:`MAX_DEPTH` deep (a file of ``[[[…]]]`` stops the C
decoder's own recursion guard, which is caught; the depth of what parses is then measured without
recursion), finite numbers only (``1e400``, ``NaN`` and
``Infinity`` are refused, as are integers of more than :data:`MAX_DIGITS` digits), and no key twice
in one object. The accessors (:func:`get`, :func:`sha`) check a field's type where it is used and
name the field in the message. Every refusal is a :class:`JsonDataError` whose text is for people
(Indonesian), so each caller turns it into its own finding.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MAX_DEPTH = 64
MAX_DIGITS = 30
MAX_BYTES = 16 * 1024 * 1024
SHA = re.compile(r"[0-9a-f]{40}")

WORDS = {dict: "objek", list: "daftar", str: "teks", int: "bilangan bulat", float: "angka", bool: "true/false"}


class JsonDataError(ValueError):
    """JSON that is not what it should be; the message says what and where, in Indonesian."""


def kind_word(value: Any) -> str:
    if value is None:
        return "null"
    for kind in (bool, int, float, str, list, dict):
        if isinstance(value, kind):
            return WORDS[kind]
    return type(value).__name__


def _depth(value: Any) -> int:
    """The deepest nesting of arrays and objects in a parsed document, level by level (no recursion)."""
    deepest, level = 0, [value]
    while level := [node for node in level if isinstance(node, dict | list)]:
        deepest += 1
        level = [child for node in level for child in (node.values() if isinstance(node, dict) else node)]
    return deepest


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonDataError(f"angka {text[:40]} terlalu besar")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise JsonDataError(f"bilangan bulat dengan {len(text)} angka terlalu panjang")
    return int(text)


def _constant(name: str):
    raise JsonDataError(f"{name} bukan angka JSON yang sah")


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise JsonDataError(f"kunci '{key[:60]}' muncul dua kali dalam satu objek")
        out[key] = value
    return out


def loads(raw: bytes | str, what: str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """The document in ``raw``; :class:`JsonDataError` ("<what>: …") if it is not a safe JSON document."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    if len(data) > max_bytes:
        raise JsonDataError(f"{what}: lebih dari {max_bytes // 1024 // 1024 or 1} MiB")
    try:
        text = data.decode("utf-8")
        value = json.loads(text, parse_float=_float, parse_int=_int, parse_constant=_constant, object_pairs_hook=_pairs)
    except JsonDataError as exc:
        raise JsonDataError(f"{what}: {exc}") from None
    except UnicodeDecodeError:
        raise JsonDataError(f"{what}: bukan teks UTF-8") from None
    except RecursionError:  # the C decoder guards its own recursion: far deeper than max_depth
        raise JsonDataError(f"{what}: bersarang terlalu dalam, paling banyak {max_depth} tingkat") from None
    except ValueError as exc:
        where = f" (baris {exc.lineno}, kolom {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise JsonDataError(f"{what}: bukan JSON yang sah{where}") from None
    deepest = _depth(value)
    if deepest > max_depth:
        raise JsonDataError(f"{what}: bersarang {deepest} tingkat, paling banyak {max_depth}")
    return value


def load_file(path: Path, what: str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """:func:`loads` of a regular file (a symlink, a folder, a missing or oversized file is refused)."""
    path = Path(path)
    try:
        if path.is_symlink() or not path.is_file():
            raise JsonDataError(f"{what} {path.name}: bukan berkas biasa")
        if path.stat().st_size > max_bytes:
            raise JsonDataError(f"{what} {path.name}: lebih dari {max_bytes // 1024 // 1024 or 1} MiB")
        raw = path.read_bytes()
    except OSError as exc:
        raise JsonDataError(f"{what} {path.name}: tidak dapat dibaca ({exc.strerror or exc})") from None
    return loads(raw, f"{what} {path.name}", max_bytes, max_depth)


_MISSING = object()


def get(obj: Any, key: str, kind: type | tuple[type, ...], what: str, default: Any = _MISSING) -> Any:
    """``obj[key]`` if it is of ``kind`` (``bool`` is never an ``int``; ``None`` only as a default).

    Without ``default`` the key is required; with it, an absent key or ``null`` gives ``default``."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(obj, Mapping):
        raise JsonDataError(f"{what}: harus objek JSON, bukan {kind_word(obj)}")
    value = obj.get(key)
    if value is None:
        if default is _MISSING:
            raise JsonDataError(f"{what}: isian '{key}' tidak ada")
        return default
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        wanted = " atau ".join(WORDS.get(k, k.__name__) for k in kinds)
        raise JsonDataError(f"{what}: isian '{key}' harus {wanted}, bukan {kind_word(value)}")
    return value


def sha(obj: Any, key: str, what: str, required: bool = True) -> str | None:
    """A full git commit id (40 lower-case hex digits) at ``obj[key]``; never anything git would read as an option."""
    value = get(obj, key, str, what, **({} if required else {"default": None}))
    if value is not None and not SHA.fullmatch(value):
        raise JsonDataError(f"{what}: isian '{key}' bukan SHA commit git (40 angka heksadesimal)")
    return value
