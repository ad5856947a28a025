"""Where each record lives in the portal (shared by pages and exports), and absolute URLs.

Paths here are relative to the site root ("kegiatan/dinkes/2025-profil-kesehatan/");
:func:`absolute` turns one into the public URL from katalog.yaml ``url_situs`` (the model's
config), for canonical links, OpenGraph tags, JSON-LD and every export.
"""

from __future__ import annotations

import re

from .model import Activity, CatalogModel, Item


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "lainnya"


def absolute(model: CatalogModel, path: str = "") -> str:
    """The public URL of a site path ('' is the home page); fragments and queries are kept."""
    return model.url(path)


def activity_url(a: Activity) -> str:
    return f"kegiatan/{a.ident}/"


def item_url(item: Item) -> str:
    """Variables are sections of their activity page; indicators have pages of their own."""
    activity, slug = item.ident.rsplit("/", 1)
    return f"kegiatan/{activity}/#{item.kind}-{slug}" if item.kind == "variabel" else f"indikator/{item.ident}/"


def sector_url(sector: str) -> str:
    return f"sektor/{slugify(sector)}/"
