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
    browser.get(f"file://{result.report}")
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title == "engramlab validate report"

    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt]);")
    n = len(REPORTED)
    assert len(images) == n
    for complete, width, alt in images:
        assert complete and width > 0, f"image did not decode: {alt}"

    blocks = browser.execute_script(
        "return Array.from(document.querySelectorAll('#summary tbody.experiment-block'))"
        ".map(b => [b.dataset.experiment, b.dataset.status, b.rows.length, "
        "b.dataset.outcome]);")
    assert sorted(b[0] for b in blocks) == sorted(REPORTED)
    for exp_id, status, rows, outcome in blocks:
        run = next(r for r in result.runs if r.experiment.id == exp_id)
        assert rows == len(run.checks)
        assert status == ("pass" if run.passed else "fail")
        assert outcome == run.status
    # The headline counts the four outcomes as the table shows them, and no badge says
    # "reproduced" alone next to a declared deviation.
    headline = browser.execute_script("return document.getElementById('verdict').innerText;")
    counts = result.headline()
    assert f"{counts['reproduced']} reproduced" in headline
    assert f"{counts['failed']} failed" in headline
    badges = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.experiment .badge'))"
        ".map(b => b.innerText);")
    for run, badge in zip(result.runs, badges, strict=True):
        deviates = any(c.deviation for c in run.checks)
        assert not (deviates and badge == "reproduced"), run.experiment.id
    sections = browser.execute_script(
        "return document.querySelectorAll('section.experiment').length;")
    assert sections == n
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 0
