"""The fast schema validator (jsonschema-rs) must accept exactly what the reference (jsonschema)
accepts: a record it wrongly accepted would lose its findings. Records are mutated at random
paths, with values drawn from the schemas' own options, so the conditional rules fire too."""

from __future__ import annotations

import copy

import pytest
from conftest import INDIKATOR, KOMPROMIN, OPD, REPO, SURVEI, VARIABEL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.contract.schema import Schemas, walk
from pipeline.read.catalog import load_catalog

SCHEMAS = Schemas.find(REPO)
SAMPLES = [(r.kind, r.data) for r in load_catalog(REPO).records.values()] + [
    ("opd", OPD),
    ("kegiatan", SURVEI),
    ("kegiatan", KOMPROMIN),
    ("variabel", VARIABEL),
    ("indikator", INDIKATOR),
]


def _options(node, out: set) -> set:
    """Every const and enum value of a schema, and every example it gives."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "const" or key == "x-contoh":
                out.add(value)
            elif key == "enum":
                out.update(value)
            else:
                _options(value, out)
    elif isinstance(node, list):
        for value in node:
            _options(value, out)
    return out


OPTIONS = sorted(_options([SCHEMAS.records[k].schema for k in SCHEMAS.records], set()), key=repr)
VALUES = st.sampled_from(OPTIONS) | st.sampled_from(
    [None, True, False, 0, -1, 2025, 1.5, "", "x", "2025-13", "2025-02-30", "V-01.2345.678", [], {}, ["x"], {"x": 1}]
)


@st.composite
def mutated(draw):
    kind, data = draw(st.sampled_from(SAMPLES))
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p, _ in walk(data)]))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["set", "delete", "add"]))
        if action == "set":
            parent[path[-1]] = copy.deepcopy(draw(VALUES))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["isian_lain", "catatan", "nama"]))] = copy.deepcopy(draw(VALUES))
        else:
            parent.append(copy.deepcopy(draw(VALUES)))
    return kind, data


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_validator_accepts_exactly_what_the_reference_accepts(case):
    kind, data = case
    rs = SCHEMAS.records[kind]
    assert rs._fast(data) == rs.validator.is_valid(data)


@pytest.mark.parametrize("kind,data", SAMPLES)
def test_both_judge_the_samples_alike(kind, data):
    rs = SCHEMAS.records[kind]
    assert rs._fast(data) == rs.validator.is_valid(data)
