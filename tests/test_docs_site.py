"""The documentation site: generated experiment pages and the built site in Chromium.

The page generator (``docs/_ext/engramlab_gallery.py``) is tested here without Sphinx.
The built site is opened in headless Chromium when ``ENGRAMLAB_DOCS_HTML`` names it
(``.ci/run`` builds it with ``sphinx-build -W`` first and sets it, with
``ENGRAMLAB_REQUIRE_DOCS=1``, which makes a missing site a failure).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from engramlab.experiments import get_experiment, list_experiments

ROOT = Path(__file__).resolve().parents[1]
SITE = os.environ.get("ENGRAMLAB_DOCS_HTML")
REQUIRED = os.environ.get("ENGRAMLAB_REQUIRE_DOCS") == "1"


def _gallery():
    # the gallery extension imports Sphinx, which comes with the docs extra, not the test
    # one: skipped where it is missing, as the README's test command installs only [test]
    if importlib.util.find_spec("sphinx") is None:
        if REQUIRED:
            pytest.fail("ENGRAMLAB_REQUIRE_DOCS=1 but Sphinx is not installed ('.[docs]')")
        pytest.skip("Sphinx is not installed (pip install -e '.[docs]')")
    spec = importlib.util.spec_from_file_location(
        "engramlab_gallery", ROOT / "docs" / "_ext" / "engramlab_gallery.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("engramlab_gallery", mod)
    spec.loader.exec_module(mod)
    return mod


@dataclasses.dataclass
class _Config:
    engramlab_results: str
    engramlab_seeds: int = 1


@dataclasses.dataclass
class _App:
    srcdir: Path
    confdir: Path
    config: _Config


def _summary(tmp_path: Path, ids: list[str]) -> Path:
    root = tmp_path / "results"
    root.mkdir()
    exps = [{"experiment": i, "status": "reproduced", "seeds": [0, 1],
             "checks": [{"name": "m", "description": "a metric", "kind": "published",
                         "target": 0.15, "tolerance": 0.015, "compare": "abs",
                         "value": 0.151, "tested": True, "reason": "the SEM",
                         "source": "Someone 1999", "seeds": {"run": 2, "passed": 2}}]}
            for i in ids]
    (root / "summary.json").write_text(json.dumps({"experiments": exps}))
    return root


def test_every_registered_experiment_gets_a_page_and_a_new_one_needs_no_other_edit(
        tmp_path, monkeypatch):
    gallery = _gallery()
    ids = [e.id for e in list_experiments()]
    results = _summary(tmp_path, ids[:2])
    app = _App(tmp_path / "src", tmp_path, _Config(str(results)))
    app.srcdir.mkdir()
    monkeypatch.delenv("ENGRAMLAB_DOCS_RESULTS", raising=False)
    gallery.generate(app)
    pages = {p.stem for p in (app.srcdir / "experiments").glob("*.md")} - {"index"}
    assert pages == set(ids)
    index = (app.srcdir / "experiments" / "index.md").read_text()
    for i in ids:
        assert f"({i}.md)" in index
    # A new registered experiment (here an existing recipe under another id) gets its
    # page from the registry alone.
    base = get_experiment(ids[0])
    new = type("NewOne", (type(base),), {"id": "zz.new-experiment"})()
    monkeypatch.setattr("engramlab.experiments.list_experiments",
                        lambda pattern="*": [*list_experiments(), new])
    gallery.generate(app)
    assert (app.srcdir / "experiments" / "zz.new-experiment.md").exists()
    page = (app.srcdir / "experiments" / f"{ids[0]}.md").read_text()
    assert "0.15 ± 0.015" in page and "2 / 2" in page and f"engramlab run {ids[0]}" in page


@pytest.mark.parametrize("compare, text", [("at_least", "≥ 0.6"), ("at_most", "≤ 0.6"),
                                           ("abs", "0.5 ± 0.1"), ("rel", "0.5 ± 20 %")])
def test_tolerances_are_written_as_people_write_them(compare, text):
    from engramlab.report import tolerance_text

    target = {"at_least": 0.7, "at_most": 0.5}.get(compare, 0.5)
    tol = {"rel": 0.2}.get(compare, 0.1)
    assert tolerance_text(compare, target, tol) == text


def test_long_values_are_shortened():
    from engramlab.report import short_value

    assert short_value(list(range(40))) == "0, 1, …, 39 (40 values)"
    assert short_value((1.0, 2.0)) == "1, 2"


@pytest.fixture(scope="module")
def site():
    if not SITE:
        if REQUIRED:
            pytest.fail("ENGRAMLAB_REQUIRE_DOCS=1 but ENGRAMLAB_DOCS_HTML names no site")
        pytest.skip("no built site (build it with sphinx-build, set ENGRAMLAB_DOCS_HTML)")
    return Path(SITE).resolve()


@pytest.fixture(scope="module")
def browser(site):
    from test_report_browser import CHROMEDRIVER, CHROMIUM
    if not (CHROMIUM and CHROMEDRIVER):
        if REQUIRED or os.environ.get("ENGRAMLAB_REQUIRE_BROWSER") == "1":
            pytest.fail("headless Chromium not installed")
        pytest.skip("headless Chromium not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-dev-shm-usage",
                 "--window-size=1400,1600", "--allow-file-access-from-files"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _open(browser, path: Path) -> None:
    from test_report_browser import open_page
    assert path.exists(), path
    open_page(browser, path.as_uri())


def _images_decode(browser) -> int:
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.src]);")
    for complete, width, src in images:
        assert complete and width > 0, f"image did not decode: {src}"
    return len(images)


def _internal_links_resolve(browser, page: Path) -> None:
    hrefs = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);")
    for href in hrefs:
        url = urlparse(href)
        if url.scheme != "file":
            continue
        target = Path(unquote(url.path))
        assert target.exists(), f"{page.name}: broken internal link {href}"


@pytest.mark.browser
def test_site_index_experiment_page_and_tutorial_render(browser, site):
    _open(browser, site / "index.html")
    _internal_links_resolve(browser, site / "index.html")
    _open(browser, site / "experiments" / "index.html")
    source = (site / "_sources" / "experiments" / "index.md.txt").read_text()
    assert _images_decode(browser) == source.count("```{figure}") > 0  # the thumbnails
    _internal_links_resolve(browser, site / "experiments" / "index.html")
    # an experiment page with its figure (the results the build read may be a subset)
    with_figure = sorted(p for p in (site / "_sources" / "experiments").glob("*.md.txt")
                         if "```{image}" in p.read_text())
    assert with_figure, "no experiment page shows a figure"
    page = site / "experiments" / with_figure[0].name.replace(".md.txt", ".html")
    _open(browser, page)
    assert _images_decode(browser) >= 1
    _internal_links_resolve(browser, page)
    text = browser.find_element("tag name", "body").text
    assert "Checks" in text and "Parameters" in text and "Papers" in text
    tut = site / "auto_tutorials" / "plot_05_circuits.html"
    _open(browser, tut)
    assert _images_decode(browser) >= 1
    _internal_links_resolve(browser, tut)


@pytest.mark.browser
def test_math_renders_offline(browser, site):
    page = site / "api" / "engramlab.circuits.conditioning.RescorlaWagnerRegion.html"
    if not page.exists():
        page = next(p for p in sorted((site / "api").glob("*.html"))
                    if 'class="math' in p.read_text(errors="ignore"))
    _open(browser, page)
    browser.set_script_timeout(20)
    n = browser.execute_async_script(
        "const done = arguments[0];"
        "const t0 = Date.now();"
        "(function poll() {"
        "  const n = document.querySelectorAll('mjx-container').length;"
        "  if (n > 0 || Date.now() - t0 > 15000) { done(n); } else { setTimeout(poll, 200); }"
        "})();")
    assert n > 0, f"MathJax rendered nothing on {page.name}"


def test_every_public_name_has_an_api_page(site):
    """Every class, exception and function in a package's ``__all__`` has a page of its
    own: under the public module that defines it, or under the package where that module
    has no page (``docs/conf.py`` homes it there)."""
    import importlib
    import inspect
    import re

    packages = re.findall(r"^   (engramlab\.[a-z_]+)$",
                          (ROOT / "docs" / "api.rst").read_text(), re.M)
    assert len(packages) >= 10, packages
    missing, seen = [], 0
    for package in packages:
        module = importlib.import_module(package)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            home = str(getattr(obj, "__module__", ""))
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) \
                    or not home.startswith("engramlab"):
                continue
            seen += 1
            pages = [site / "api" / f"{where}.{obj.__qualname__}.html"
                     for where in (home, package)]
            if not any(page.exists() for page in pages):
                missing.append(f"{package}.{name} ({home})")
    assert seen > 300, seen
    assert not missing, f"{len(missing)} public names without an API page: {missing[:10]}"
