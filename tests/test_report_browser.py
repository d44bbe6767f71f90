"""The validate report opened in real headless Chromium (Debian's chromium + chromedriver).

Skips with a reason where Chromium is not installed, unless ENGRAMLAB_REQUIRE_BROWSER=1
(set by .ci/run), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import EXPERIMENT_IDS, quick_run
from engramlab.runner import write_validation

#: The report of a representative set of this session's quick runs: every chapter, a
#: spiking network, two experiments with a declared deviation, a circuit experiment.
#: (Every experiment's figure is drawn by tests/test_common.py::test_figure_draws, and
#: CI renders the whole report with `engramlab validate`.)
REPORTED = tuple(i for i in ("synapse.transmission", "network.cuba",
                             "plasticity.ltp-ltd-frequency", "hopfield.recall",
                             "hippocampus.pattern-completion", "consolidation.systems",
                             "memory.modern-hopfield") if i in EXPERIMENT_IDS)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRED = os.environ.get("ENGRAMLAB_REQUIRE_BROWSER") == "1"
#: How long a page may take to finish loading (a report embeds every figure as data).
LOAD_TIMEOUT_S = 60


def open_page(driver, url: str) -> None:
    """Open ``url`` and wait until its document has finished loading.

    ChromeDriver's ``get`` can return while a large ``file://`` page is still parsing
    (``document.readyState == "loading"``; seen once in CI on the validate report), so the
    load is awaited explicitly; a page that does not finish in ``LOAD_TIMEOUT_S`` fails.
    """
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    try:
        WebDriverWait(driver, LOAD_TIMEOUT_S, poll_frequency=0.1).until(
            lambda d: d.execute_script("return document.readyState") == "complete")
    except TimeoutException:
        state = driver.execute_script("return document.readyState")
        pytest.fail(f"{url} did not finish loading in {LOAD_TIMEOUT_S} s "
                    f"(document.readyState is {state!r})")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        reason = "headless Chromium not installed (apt-get install chromium chromium-driver)"
        if REQUIRED:
            pytest.fail(reason + "; ENGRAMLAB_REQUIRE_BROWSER=1 makes this test mandatory")
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-dev-shm-usage",
                 "--window-size=1280,2000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.mark.browser
def test_report_renders_in_chromium(browser, tmp_path):
    # What `engramlab validate` writes, for this session's quick runs (not a second run).
    if not REPORTED:
        pytest.skip("none of the reported experiments is selected in this session")
    result = write_validation([quick_run(i) for i in REPORTED], tmp_path / "results")
    open_page(browser, f"file://{result.report}")
    assert browser.title == "engramlab validate report"

    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt]);")
    n = len(REPORTED)
    assert len(images) == n
    for complete, width, alt in images:
        assert complete and width > 0, f"image did not decode: {alt}"

    # The sidebar lists every experiment with its outcome; each card has one row per check.
    entries = browser.execute_script(
        "return Array.from(document.querySelectorAll('nav#index li'))"
        ".map(b => [b.dataset.experiment, b.dataset.status, b.dataset.outcome]);")
    assert sorted(b[0] for b in entries) == sorted(REPORTED)
    for exp_id, status, outcome in entries:
        run = next(r for r in result.runs if r.experiment.id == exp_id)
        rows = browser.execute_script(
            f"return document.getElementById('{exp_id}')"
            ".querySelectorAll('table.checks tbody tr').length;")
        assert rows == len(run.checks)
        assert status == ("pass" if run.passed else "fail")
        assert outcome == run.status
    # Laid out for a 1400-px window: nothing makes the page scroll sideways.
    browser.set_window_size(1400, 1000)
    wide = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];")
    assert wide[0] <= wide[1], f"the page scrolls sideways: {wide}"
    # Tolerances read as people write them (no "target - 0").
    body = browser.find_element("tag name", "body").text
    assert "target −" not in body and "≥ target" not in body
    # The headline counts the four outcomes as the table shows them, and no badge says
    # "reproduced" alone next to a declared deviation.
    headline = browser.execute_script("return document.getElementById('verdict').innerText;")
    counts = result.headline()
    assert f"{counts['reproduced']} reproduced" in headline
    assert f"{counts['failed']} failed" in headline
    badges = dict(browser.execute_script(
        "return Array.from(document.querySelectorAll('section.experiment'))"
        ".map(s => [s.id, s.querySelector('.badge').innerText]);"))
    assert sorted(badges) == sorted(REPORTED)
    for run in result.runs:
        deviates = any(c.deviation for c in run.checks)
        assert not (deviates and badges[run.experiment.id] == "reproduced"), run.experiment.id
    sections = browser.execute_script(
        "return document.querySelectorAll('section.experiment').length;")
    assert sections == n
    _chinese_chapter_names_render(browser)
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 0


def _chinese_chapter_names_render(browser) -> None:
    """The Chinese chapter names are drawn with glyphs, not empty boxes.

    A character no installed font has is drawn as the same box (tofu) whatever the
    character: each character of the first chapter name is drawn on a canvas in the
    heading's font, and the drawings must differ (two distinct glyphs at least) --
    identical drawings are boxes. Required where ``ENGRAMLAB_REQUIRE_CJK=1`` (``.ci/run``
    installs fonts-noto-cjk) or a CJK font is installed.
    """
    if os.environ.get("ENGRAMLAB_REQUIRE_CJK") != "1" and not _has_cjk_font():
        return
    text, distinct = browser.execute_script("""
        const h = document.querySelector('nav#index h2 [lang=zh]');
        const text = h.textContent.replace(/\\s/g, '');
        const c = document.createElement('canvas'); c.width = 64; c.height = 64;
        const ctx = c.getContext('2d');
        ctx.font = '40px ' + getComputedStyle(h).fontFamily;
        const seen = new Set();
        for (const ch of text) {
          ctx.clearRect(0, 0, 64, 64); ctx.fillText(ch, 4, 48);
          seen.add(Array.from(ctx.getImageData(0, 0, 64, 64).data).join(','));
        }
        return [text, seen.size];""")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert distinct > 1, f"the chapter name {text!r} is drawn as boxes (no CJK font)"


def _has_cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if not fc:
        return False
    import subprocess
    out = subprocess.run([fc, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())
