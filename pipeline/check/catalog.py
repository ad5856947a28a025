"""A loaded catalog → every finding, sorted: per-record checks plus the checks across records."""

from __future__ import annotations

from ..codes import Finding
from ..contract.schema import Schemas
from ..read.catalog import Catalog
from .groups import cross_findings
from .records import record_findings


def check(catalog: Catalog, schemas: Schemas) -> list[Finding]:
    """All findings for a loaded catalog, sorted by file and line."""
    findings = list(catalog.findings)
    for record in catalog.records.values():
        findings.extend(record_findings(record, schemas))
    findings.extend(cross_findings(catalog, schemas))
    return finish(findings)


def finish(findings) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)
