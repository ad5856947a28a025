"""The pinned checkers run here, offline, on a built portal: axe-core, the Nu Html Checker, Lighthouse.

Each also gets a page with a known fault, so a checker that silently checks nothing fails here.
The portal's own accessibility and HTML findings are judged in the portal tests, not here.
"""

from __future__ import annotations

import json

import pytest
from conftest import PortalBuilder
from playwright.sync_api import sync_playwright
from webtools import CHROMIUM, CHROMIUM_ARGS, axe, lighthouse, serve, vnu

FAULTY = (
    '<!doctype html><html lang="id"><head><title>Uji</title></head><body><img src="a.png"><p><div></p></body></html>'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = PortalBuilder(tmp_path_factory.mktemp("portal")).build()
    (site / "rusak.html").write_text(FAULTY, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def url(site):
    with serve(site) as base:
        yield base


def test_axe_core_runs_in_chromium_on_the_home_page(url):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        home = axe(page)
        page.goto(url + "rusak.html")
        faulty = axe(page, runOnly=["image-alt"])
        browser.close()
    assert home["testEngine"] == {"name": "axe-core", "version": "4.14.1"}
    assert home["url"] == url and home["passes"], "axe checked nothing on the home page"
    assert [v["id"] for v in faulty["violations"]] == ["image-alt"]


def test_vnu_checks_a_built_page(site):
    report = vnu(site / "index.html", site / "rusak.html")
    assert report["version"].startswith("26.9.27")
    by_file = {}
    for message in report["messages"]:
        by_file.setdefault(message["url"].rsplit("/", 1)[-1], []).append(message)
    faulty = [m["message"] for m in by_file["rusak.html"] if m["type"] == "error"]
    assert any("alt" in m for m in faulty), faulty
    assert any("No “p” element in scope" in m for m in faulty), faulty


def test_lighthouse_audits_the_home_page(url, tmp_path):
    lhr = lighthouse(url, tmp_path / "lighthouse.json", "accessibility")
    assert lhr["lighthouseVersion"] == "12.2.3"
    assert lhr["finalDisplayedUrl"] == url
    assert not lhr.get("runtimeError"), json.dumps(lhr.get("runtimeError"))
    assert set(lhr["categories"]) == {"accessibility"}
    assert 0 < lhr["categories"]["accessibility"]["score"] <= 1
    # two audits that apply to every page: the portal's pages have a title and say they are Indonesian
    assert lhr["audits"]["document-title"]["score"] == 1
    assert lhr["audits"]["html-has-lang"]["score"] == 1
