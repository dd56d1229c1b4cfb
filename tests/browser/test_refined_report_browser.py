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


def _accepted(page) -> list[str]:
    return sorted(page.evaluate("""() => [...document.querySelectorAll('.ca-head.accepted')]
        .map(h => h.querySelector('b').innerText.trim())"""))


@pytest.mark.parametrize("sample", ["tech_license.docx"])
def test_browser_refined_report_keeps_the_open_tab_and_the_decisions(server, page, samples_dir, sample):
    from screenshot import REFINING_NOTICE, upload_and_wait, wait_idle, wait_refined

    page.goto(server)
    upload_and_wait(page, samples_dir / sample, refined=False)
    assert page.get_by_text(REFINING_NOTICE).count() == 1  # a cold server answers with the fast stage first
    # accept every finding with the keyboard (j: next, a: accept), most of them before the refined report lands
    total = page.locator(".ca-head").count()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for i in range(total):
        page.keyboard.press("j")
        page.keyboard.press("a")
        page.wait_for_function("n => document.querySelectorAll('.ca-head.accepted').length >= n", arg=i + 1)
        wait_idle(page)
    before = _accepted(page)
    assert len(before) == total
    page.locator('[data-testid="stTab"]:visible').filter(has_text="Downloads").first.click()
    page.get_by_text("The memos carry your decisions").first.wait_for()
    assert _selected_tab(page) == ["Downloads"]
    wait_refined(page)
    page.wait_for_timeout(500)
    assert _selected_tab(page) == ["Downloads"]
    assert page.locator('[data-testid="stDownloadButton"]:visible button').filter(has_text="Redlined DOCX").count() >= 1
    # the refined findings carry the decisions, also where their evidence (and so their id) moved;
    # a finding the refined analysis dropped is named in a toast
    gone = " ".join(page.locator('[data-testid="stToast"]').all_inner_texts())
    assert _accepted(page) == [c for c in before if c.replace(" ", "_") not in gone], gone
