"""The next edition of an activity ("Salin dari tahun lalu"): which fields do not carry over.

Read from the schema: every field whose values are dates (a ``pattern`` that starts with a
year), removed at the highest level whose leaves are all dates (3.3 ``jadwal``, 8.2 ``rilis``),
plus the fields that belong to one year's report: the SOP log, the activity code BPS assigns
after the report, and the identity of that year's recommendation letter. The command line
(``satudata salin``) and the web editor both use this list.
"""

from __future__ import annotations

from .schema import RecordSchema

WORKFLOW = "alur"
PER_EDITION = (("kode_kegiatan",), ("identitas_rekomendasi",))
DATE_PATTERN_START = "^(19|20)\\d\\d-"


def _is_date(node: dict) -> bool:
    if node.get("type") == "array":
        node = node.get("items") or {}
    return node.get("type") == "string" and str(node.get("pattern", "")).startswith(DATE_PATTERN_START)


def _all_dates(node: dict) -> bool:
    """Whether every leaf under ``node`` is a date field (and there is at least one)."""
    if _is_date(node):
        return True
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        node = node["items"]
    props = node.get("properties") or {}
    return bool(props) and all(_all_dates(sub) for sub in props.values())


def cleared_paths(rs: RecordSchema) -> list[tuple[str, ...]]:
    """Paths removed from a record when its activity is copied to the next year, in form order."""
    out: list[tuple[str, ...]] = []

    def visit(node: dict, path: tuple[str, ...]) -> None:
        for key, sub in (node.get("properties") or {}).items():
            here = path + (key,)
            if _all_dates(sub):
                out.append(here)
            elif sub.get("type") == "object":
                visit(sub, here)

    visit(rs.schema, ())
    if rs.kind == "kegiatan":
        props = rs.schema.get("properties") or {}
        out += [p for p in PER_EDITION if p[0] in props]
        if WORKFLOW in props:
            out.append((WORKFLOW,))
    return out
