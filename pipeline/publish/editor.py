"""The web editor of the portal (``sunting/``): its page, the data it runs on, and its scripts.

Everything the editor knows about the forms is generated here from the same sources as the
Python checker: the JSON Schemas (labels, form numbers, help, options, ``x-aturan`` rules with
their ``x-pesan``/``x-saran``), the code lists of ``schemas/kode/`` and the finding registry
(:mod:`pipeline.codes`). The browser libraries (ajv for JSON Schema 2020-12, yaml) come from
``node_modules/`` as pinned by ``package-lock.json``; without them the portal is still built and
the editor page says how to install them. Nothing on the page talks to a server until someone
signs in, so the portal works offline.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import codes
from ..check.naming import TITLE_PREFIXES, browser_rules
from ..contract.edition import WORKFLOW, cleared_paths
from ..contract.schema import Schemas
from ..read.loader import UNWRITABLE

FOLDER = "sunting"
WEB = Path(__file__).resolve().parent / "web" / "sunting"
SOURCE_ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = {  # site file or folder → (npm package, path inside it)
    "lib/ajv2020.min.js": ("ajv-dist", "dist/ajv2020.min.js"),
    "lib/yaml": ("yaml", "browser/dist"),
    "lib/yaml-LICENSE": ("yaml", "LICENSE"),
}
EDITED_KINDS = ("kegiatan", "variabel", "indikator")
TITLE = "Sunting metadata"


@dataclass(frozen=True)
class EditorResult:
    installed: bool
    missing: tuple[str, ...] = ()


def bundle(schemas: Schemas) -> dict:
    """What the browser needs to render and check the forms (``sunting/formulir.json``)."""
    return {
        "skema": {kind: schemas[kind].schema for kind in (*EDITED_KINDS, "opd")},
        "kode": {
            name: {"judul": cl.title, "berkas": cl.path, "kunci": cl.key, "baris": list(cl.rows)}
            for name, cl in sorted(schemas.codelists.items())
        },
        "temuan": {k: _code(c) for k, c in codes.REGISTRY.items()},
        "keluarga": {k: _code(c) for k, c in codes.FAMILIES.items()},
        "karakter_terlarang": UNWRITABLE.pattern,  # yaml-karakter: what no record may hold
        "awalan_judul": list(TITLE_PREFIXES),
        "nama": browser_rules(),
        "kunci_alur": [WORKFLOW],
        "salin": {kind: [list(p) for p in cleared_paths(schemas[kind])] for kind in EDITED_KINDS},
    }


def _code(code: codes.Code) -> dict:
    return {"tingkat": code.tingkat, "bidang": code.bidang, "arti": code.arti, "saran": code.saran}


def page_markdown() -> str:
    """The editor's page for MkDocs (``docs/sunting/index.md``): a mount point and its scripts."""
    body = (
        '<div id="sds-sunting" class="sds-sunting" data-dasar="../">\n'
        "<noscript>Penyunting metadata membutuhkan JavaScript. Tanpa JavaScript, ikuti "
        '<a href="../panduan/excel/">panduan Excel</a>.</noscript>\n'
        '<p class="sds-sunting__muat" role="status">Memuat penyunting…</p>\n'
        "</div>\n"
        '<link rel="stylesheet" href="sunting.css">\n'
        '<script src="lib/ajv2020.min.js" defer></script>\n'
        '<script type="module" src="app.js"></script>\n'
    )
    return f"---\ntitle: {TITLE!r}\nhide:\n  - navigation\n  - toc\n---\n\n{body}"


def node_modules(root: Path) -> Path | None:
    """The catalog's own ``node_modules/``, else the one next to the tool's source."""
    for base in (Path(root), SOURCE_ROOT):
        if (base / "node_modules").is_dir():
            return base / "node_modules"
    return None


def write_editor(site: Path, root: Path, schemas: Schemas, config: dict) -> EditorResult:
    """Write ``site/sunting/``: scripts, generated data, configuration and the npm libraries."""
    out = Path(site) / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    for src in sorted(WEB.iterdir()):
        if src.is_file():
            shutil.copyfile(src, out / src.name)
    data = json.dumps(bundle(schemas), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    (out / "formulir.json").write_text(data, encoding="utf-8")
    (out / "konfigurasi.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    modules = node_modules(root)
    missing = []
    for target, (package, inner) in LIBRARIES.items():
        src = modules / package / inner if modules else None
        if src is None or not src.exists():
            missing.append(f"{package}/{inner}")
            continue
        dest = out / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dest)
    return EditorResult(not missing, tuple(missing))


def prepare_docs(docs: Path) -> None:
    """Add the editor's page to the MkDocs sources of a build."""
    page = Path(docs) / FOLDER / "index.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(page_markdown(), encoding="utf-8")


def site_config(repository: str | None) -> dict:
    """``sunting/konfigurasi.json`` for the published portal: the GitHub repository (``repositori`` in
    katalog.yaml) that proposals go to; its default branch is the base of every pull request."""
    return {"api": "https://api.github.com", "repositori": repository, "cabang": None, "lokal": False}
