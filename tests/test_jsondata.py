"""JSON from GitHub, artifacts and reports is hostile: one reader (pipeline.read.jsondata) for all of
it, and every command that reads such JSON answers crafted input with a finding (exit 1), never an
internal error."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.read import jsondata
from pipeline.workflow.forge import ForgeDataError, PullRequest, Review

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
VALUES = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(), kids, max_size=4))


def _depth(value) -> int:
    if isinstance(value, dict | list):
        items = value.values() if isinstance(value, dict) else value
        return 1 + max(map(_depth, items), default=0)
    return 0


@given(VALUES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_what_json_can_say_is_read_back_or_refused_in_words(value):
    raw = json.dumps(value)
    try:
        back = jsondata.loads(raw, "uji")
    except jsondata.JsonDataError as exc:
        assert str(exc).startswith("uji: ")
        assert any(abs(v) >= 10**jsondata.MAX_DIGITS for v in _ints(value)) or _depth(value) > jsondata.MAX_DEPTH
    else:
        assert back == value


def _ints(value):
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict | list):
        for v in value.values() if isinstance(value, dict) else value:
            yield from _ints(v)


@given(st.binary(max_size=300) | st.text(alphabet='[]{}"\\:,0123456789.eE+-ntrufals ', max_size=300))
@settings(max_examples=500, deadline=None)
def test_any_bytes_give_a_value_or_a_refusal_never_a_crash(raw):
    try:
        jsondata.loads(raw, "uji")
    except jsondata.JsonDataError:
        pass


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ('{"number": 1e400}', "terlalu besar"),
        ('{"number": NaN}', "bukan angka JSON"),
        ("[-Infinity]", "bukan angka JSON"),
        ('{"id": 1' + "0" * 40 + "}", "terlalu panjang"),
        ('{"a": 1, "a": 2}', "dua kali"),
        ("[" * 100_000 + "]" * 100_000, "bersarang terlalu dalam, paling banyak 64 tingkat"),
        ("[" * 65 + "]" * 65, "bersarang 65 tingkat, paling banyak 64"),
        ('{"a": ' * 65 + "1" + "}" * 65, "bersarang 65 tingkat"),
        ('["[[[[" , {"a": "]]]"}]', None),  # brackets inside strings are text
        (b"\xff\xfe{", "bukan teks UTF-8"),
        ("[" * 64 + "]" * 64, None),
        ("{", "bukan JSON yang sah (baris 1, kolom 2)"),
    ],
)
def test_refusals_say_what_is_wrong(raw, words):
    if words is None:
        assert jsondata.loads(raw, "x") == json.loads(raw)
        return
    with pytest.raises(jsondata.JsonDataError) as caught:
        jsondata.loads(raw, "x")
    assert str(caught.value).startswith("x: ") and words in str(caught.value)


def test_field_types_and_commit_ids_are_checked_where_used():
    obj = {"n": True, "s": "abc", "f": 1.5, "sha": "--output=/x", "ok": "a" * 40}
    with pytest.raises(jsondata.JsonDataError, match="isian 'n' harus bilangan bulat, bukan true/false"):
        jsondata.get(obj, "n", int, "PR")
    with pytest.raises(jsondata.JsonDataError, match="isian 'f' harus bilangan bulat, bukan angka"):
        jsondata.get(obj, "f", int, "PR")
    with pytest.raises(jsondata.JsonDataError, match="isian 'x' tidak ada"):
        jsondata.get(obj, "x", str, "PR")
    assert jsondata.get(obj, "x", str, "PR", default="") == ""
    with pytest.raises(jsondata.JsonDataError, match="bukan SHA commit git"):
        jsondata.sha(obj, "sha", "PR")
    assert jsondata.sha(obj, "ok", "PR") == "a" * 40
    with pytest.raises(jsondata.JsonDataError, match="harus objek JSON, bukan daftar"):
        jsondata.get([], "n", int, "PR")


@given(VALUES)
@settings(max_examples=300, deadline=None)
def test_forge_objects_from_any_json_are_built_or_refused(value):
    for build in (PullRequest.from_json, Review.many):
        try:
            build(value)
        except ForgeDataError:
            pass
    shaped = {"number": value, "user": {"login": value}, "created_at": value, "head": {"sha": value},
              "base": value, "merged": value, "merged_at": value, "closed_at": value}  # fmt: skip
    for candidate in (shaped, {"pull_request": shaped, "action": "closed", "sender": value}):
        try:
            pr = PullRequest.from_json(candidate)
        except ForgeDataError:
            continue
        assert isinstance(pr.number, int) and math.isfinite(pr.number)
    try:
        Review.many([{"id": value, "state": value, "user": {"login": "a"}, "commit_id": value, "body": value}])
    except ForgeDataError:
        pass


SHA = "0" * 40
PR_OK = {
    "number": 5,
    "title": "x",
    "user": {"login": "dlh-pasuruan"},
    "created_at": "2026-12-01T01:00:00Z",
    "head": {"sha": SHA},
    "base": {"sha": SHA},
    "merged": True,
    "merged_at": "2026-12-02T03:00:00Z",
    "merged_by": {"login": "walidata-pasuruan"},
    "merge_commit_sha": SHA,
    "closed_at": "2026-12-02T03:00:00Z",
}
CRAFTED = {
    "angka-tak-hingga": '{"number": 1e400}',
    "nan": json.dumps(PR_OK).replace("5,", "NaN,", 1),
    "bersarang": "[" * 100_000 + "]" * 100_000,
    "bukan-objek": '"PR"',
    "jenis-salah": json.dumps(PR_OK | {"number": "5"}),
    "nomor-bool": json.dumps(PR_OK | {"number": True}),
    "sha-opsi": json.dumps(PR_OK | {"head": {"sha": "--output=/x"}}),
    "waktu-angka": json.dumps(PR_OK | {"created_at": 5}),
    "login-daftar": json.dumps(PR_OK | {"user": {"login": ["a"]}}),
}
REVIEWS = {
    "id-teks": '[{"id": "x", "user": {"login": "bps-kab-pasuruan"}, "state": "APPROVED"}]',
    "state-angka": '[{"id": 1, "user": {"login": "bps-kab-pasuruan"}, "state": 7}]',
    "bersarang": "[" * 5000 + "]" * 5000,
    "bukan-daftar": "12",
}


def _run(args):
    result = CliRunner().invoke(main, [*map(str, args)])
    assert "satudata-internal" not in result.output and "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_pull_requests_are_a_finding(repo, tmp_path, name):
    pr = tmp_path / "pr.json"
    pr.write_text(CRAFTED[name], encoding="utf-8")
    result = _run(["catat-forge", pr, "--katalog", repo.root])
    assert result.exit_code == 1 and "[forge-data-tidak-sah]" in result.output, result.output
    forge = tmp_path / "forge" / "5"
    forge.mkdir(parents=True)
    (forge / "pull_request.json").write_text(CRAFTED[name], encoding="utf-8")
    result = _run(["periksa-terbit", "--forge", tmp_path / "forge", "--katalog", repo.root])
    assert result.exit_code == 1 and "[forge-data-tidak-sah]" in result.output, result.output


@pytest.mark.parametrize("name", sorted(REVIEWS))
def test_crafted_reviews_are_a_finding(repo, tmp_path, name):
    pr, reviews = tmp_path / "pr.json", tmp_path / "rv.json"
    pr.write_text(json.dumps(PR_OK), encoding="utf-8")
    reviews.write_text(REVIEWS[name], encoding="utf-8")
    result = _run(["catat-forge", pr, "--tinjauan", reviews, "--katalog", repo.root])
    assert result.exit_code == 1 and "[forge-data-tidak-sah]" in result.output, result.output
    forge = tmp_path / "forge" / "5"
    forge.mkdir(parents=True)
    (forge / "pull_request.json").write_text(json.dumps(PR_OK), encoding="utf-8")
    (forge / "reviews.json").write_text(REVIEWS[name], encoding="utf-8")
    result = _run(["periksa-terbit", "--forge", tmp_path / "forge", "--katalog", repo.root])
    assert result.exit_code == 1 and "[forge-data-tidak-sah]" in result.output, result.output


HOSTILE = {
    "bersarang": "[" * 100_000 + "]" * 100_000,
    "angka": '{"temuan": [1e400]}',
    "nan": '{"kegiatan": NaN}',
    "ganda": '{"kegiatan": [], "kegiatan": {}}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["komentar-pr", "--validasi", "{f}"], "artefak-tidak-sah"),
        (["komentar-pr", "--artefak", "{f}", "--peristiwa", "{f}", "--pr-github", "{f}"], "forge-data-tidak-sah"),
        (["anotasi", "--periksa-pr", "{f}"], "artefak-tidak-sah"),
        (["banding-indah", "{f}"], "indah-berkas"),
        (["isu-terlambat", "--status", "{f}", "--isu", "{f}"], "forge-data-tidak-sah"),
    ],
)
def test_every_reader_of_outside_json_refuses_with_a_finding(repo, tmp_path, name, args, code):
    bad = tmp_path / "laporan.json"
    bad.write_text(HOSTILE[name], encoding="utf-8")
    extra = ["--katalog", repo.root] if args[0] == "banding-indah" else []
    result = _run([a.replace("{f}", str(bad)) for a in args] + extra)
    assert result.exit_code == 1 and f"[{code}]" in result.output, result.output


@pytest.mark.parametrize(
    "doc",
    [
        {"kegiatan": [{"data": []}]},
        {"kegiatan": [{"data": {"judul_kegiatan": 5}, "metadata_statistik_variabel": 7}]},
        {"kegiatan": [{"data": {"judul_kegiatan": "x"}, "metadata_statistik_indikator": [{"data": "y"}, 3]}]},
        [{"ms_keg_id": [], "data": {}}, {"data": {"judul_kegiatan": None}, "id": {}}],
    ],
)
def test_an_indah_export_of_the_wrong_shapes_is_compared_not_crashed(repo, tmp_path, doc):
    bad = tmp_path / "indah.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    result = _run(["banding-indah", bad, "--katalog", repo.root])
    assert result.exit_code in (0, 1)


def test_isu_terlambat_refuses_the_wrong_shapes(tmp_path):
    status, issues = tmp_path / "s.json", tmp_path / "i.json"
    status.write_text("[]", encoding="utf-8")
    issues.write_text("[]", encoding="utf-8")
    result = _run(["isu-terlambat", "--status", status, "--isu", issues])
    assert result.exit_code == 1 and "--status harus objek JSON" in result.output


def test_serve_refuses_a_port_out_of_range(tmp_path):
    result = _run(["serve", tmp_path, "--port", "99999"])
    assert result.exit_code == 2 and "di luar rentang 0<=x<=65535" in result.output


@pytest.mark.parametrize(
    ("status", "issues", "words"),
    [
        ({"kegiatan": 5}, [], "--status: isian kegiatan harus berjenis array"),
        ({"kegiatan": [{"kegiatan": "a", "berkas": "b", "menunggu": [{"langkah": "x"}]}]}, [], "menunggu/0"),
        ({"kegiatan": []}, [{"number": 1, "labels": 5}], "--isu: isian 0/labels harus berjenis array atau null"),
        ({"kegiatan": []}, [{"number": 1, "assignees": [{"login": 3}]}], "0/assignees/0/login"),
    ],
)
def test_isu_terlambat_names_the_field_of_the_wrong_type(tmp_path, status, issues, words):
    s, i = tmp_path / "s.json", tmp_path / "i.json"
    s.write_text(json.dumps(status), encoding="utf-8")
    i.write_text(json.dumps(issues), encoding="utf-8")
    result = _run(["isu-terlambat", "--status", s, "--isu", i])
    assert result.exit_code == 1 and "[forge-data-tidak-sah]" in result.output and words in result.output


def test_a_head_without_common_history_is_a_finding(repo, tmp_path):
    base = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "--orphan", "lain")
    other = repo.commit("riwayat lain")
    repo.git("checkout", "-q", "main")
    pr = tmp_path / "pr.json"
    pr.write_text(json.dumps(PR_OK | {"merged": False, "merged_at": None, "head": {"sha": other},
                                      "base": {"sha": base}}), encoding="utf-8")  # fmt: skip
    result = _run(["catat-forge", pr, "--katalog", repo.root])
    assert result.exit_code == 1 and "tidak punya leluhur bersama" in result.output, result.output
