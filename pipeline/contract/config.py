"""The catalog's own facts: ``katalog.yaml`` at the catalog root (schema ``schemas/katalog.schema.json``).

Who runs the catalog (pemda, wilayah, Walidata and its contact), which SOP applies, where the
portal is published (every absolute URL in the exports starts there), the GitHub repository
and the licence. Nothing about one region is written in the tool itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "katalog.yaml"
# A portal address as ``--url-situs`` takes it (http too, for a local preview; the final '/' may be
# left out): only characters that need no escaping in an HTML attribute, XML or JSON, so that no
# template can be broken by it. katalog.schema.json's url_situs allows the same characters.
SITE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$()*+,;=:@%-]*)*")


@dataclass(frozen=True)
class CatalogConfig:
    pemda: str
    kode_wilayah: str
    walidata: Mapping
    url_situs: str  # absolute, ends with '/'
    lisensi: Mapping  # {nama, url}
    repositori: str | None = None  # owner/name on GitHub
    sop: Mapping | None = None

    @classmethod
    def from_data(cls, data: Mapping) -> CatalogConfig:
        """From katalog.yaml data that passed its schema."""
        return cls(
            pemda=data["pemda"],
            kode_wilayah=data["kode_wilayah"],
            walidata=dict(data["walidata"]),
            url_situs=data["url_situs"],
            lisensi=dict(data["lisensi"]),
            repositori=data.get("repositori"),
            sop=dict(data["sop"]) if isinstance(data.get("sop"), Mapping) else None,
        )

    def url(self, path: str = "") -> str:
        """The absolute URL of a path of the built site ('' is the home page)."""
        return self.url_situs + path.lstrip("/")


def config_path(root: Path) -> Path:
    return Path(root) / CONFIG_FILE
