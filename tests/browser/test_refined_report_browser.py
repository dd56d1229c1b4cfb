"""The first findings come from the fast stage and are replaced by the full classifier's a few
seconds later. That rerun must not undo what the reader was doing: the open tab stays open and the
decisions stay made. A module of its own, so that its server starts cold and the refinement is
still pending when the test clicks (skipped without chromium or playwright)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _selected_tab(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stTab"]')]
        .filter(t => t.getAttribute('aria-selected') === 'true' && t.offsetParent !== null)
        .map(t => t.innerText.trim())""")


@pytest.mark.parametrize("sample", ["tech_license.docx"])
def test_browser_refined_report_keeps_the_open_tab_and_the_decisions(server, page, samples_dir, sample):
    from screenshot import REFINING_NOTICE, upload_and_wait, wait_idle, wait_refined

    page.goto(server)
    upload_and_wait(page, samples_dir / sample, refined=False)
    assert page.get_by_text(REFINING_NOTICE).count() == 1  # a cold server answers with the fast stage first
    page.locator('[data-testid="stRadio"]:visible').filter(has_text="Accept").first.get_by_text(
        "Accept", exact=True).click()
    page.wait_for_selector(".ca-head.accepted")
    wait_idle(page)
    page.locator('[data-testid="stTab"]:visible').filter(has_text="Downloads").first.click()
    page.get_by_text("The memos carry your decisions").first.wait_for()
    assert _selected_tab(page) == ["Downloads"]
    wait_refined(page)
    page.wait_for_timeout(500)
    assert _selected_tab(page) == ["Downloads"]
    assert page.locator('[data-testid="stDownloadButton"]:visible button').filter(has_text="Redlined DOCX").count() >= 1
    assert page.locator(".ca-head.accepted").count() == 1
