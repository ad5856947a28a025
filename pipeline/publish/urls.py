"""Where each record lives in the portal (shared by pages and exports)."""

from __future__ import annotations

from .model import Activity, Item


def activity_url(a: Activity) -> str:
    return f"kegiatan/{a.ident}/"


def item_url(item: Item) -> str:
    """Variables are sections of their activity page; indicators have pages of their own."""
    activity, slug = item.ident.rsplit("/", 1)
    return f"kegiatan/{activity}/#{item.kind}-{slug}" if item.kind == "variabel" else f"indikator/{item.ident}/"
