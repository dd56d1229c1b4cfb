"""The review workflow in a real browser (Playwright + Debian chromium): decisions with the keyboard,
a current counter, coloured cards, jumps between a finding and its place in the text, search,
the DOCX memo download with the decisions in it, and the reason for a legacy .doc shown inline.

Skipped when chromium or the playwright package is absent (`make system-deps` installs chromium).
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096


def _counter(page) -> str:
    return page.locator('[data-testid="stProgress"]').first.inner_text()


@pytest.mark.parametrize("sample", ["tech_license.docx"])
def test_browser_decide_with_keys_and_download_the_docx_memo(server, page, samples_dir, tmp_path, sample):
    from screenshot import upload_and_wait, wait_idle

    page.goto(server)
    upload_and_wait(page, samples_dir / sample)
    total = page.locator(".ca-head").count()
    assert total > 0 and _counter(page).startswith(f"{total} of {total} undecided")
    # j: first finding; a: accept it. The counter and the card change on that same keystroke.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("j")
    page.wait_for_selector(".ca-current")
    page.keyboard.press("a")
    page.wait_for_selector(".ca-head.accepted")
    wait_idle(page)
    assert _counter(page).startswith(f"{total - 1} of {total} undecided")
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.wait_for_selector(".ca-head.rejected")
    wait_idle(page)
    assert _counter(page).startswith(f"{total - 2} of {total} undecided")
    colours = page.evaluate("""() => ['accepted', 'rejected', 'pending'].map(s => {
        const head = document.querySelector('.ca-head.' + s);
        const card = head && head.closest('[class*="st-key-card_"]');
        return card ? getComputedStyle(card).borderLeftColor : null; })""")
    assert None not in colours and len(set(colours)) == 3, colours
    # from a finding to its place in the text, and back
    link = page.locator("a.ca-jump").nth(1)
    fid = link.get_attribute("href").removeprefix("#doc-")
    link.click()
    # the scroll and the highlight are animated: wait for them (a timeout fails the test)
    page.wait_for_function("""id => { const a = document.getElementById('doc-' + id);
        const box = a.closest('.ca-doc').getBoundingClientRect(); const r = a.getBoundingClientRect();
        return r.top >= box.top - 1 && r.top <= box.bottom; }""", arg=fid, timeout=10_000)
    back = page.locator(f'.ca-doc a.ca-back[href="#card-{fid}"]').first
    back.click()
    page.wait_for_function("id => document.getElementById('card-' + id).closest('[class*=\"st-key-card_\"]')"
                           ".classList.contains('ca-current')", arg=fid, timeout=10_000)
    # search in the text: a rerun may still show the previous run's widgets; wait until only the new box is left
    wait_idle(page)
    page.wait_for_function("""() => document.querySelectorAll('input[placeholder="word or phrase"]').length === 1""",
                           timeout=15_000)
    box = page.get_by_placeholder("word or phrase")
    box.fill("Improvement")
    box.press("Enter")
    page.wait_for_selector(".ca-doc mark.hit")
    wait_idle(page)
    assert page.locator(".ca-doc mark.hit").count() >= 2
    # the DOCX memo carries the decisions
    page.locator('[data-testid="stTab"]:visible').filter(has_text="Downloads").first.click()
    button = page.locator('[data-testid="stDownloadButton"]:visible button').filter(has_text="DOCX memo").first
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "memo.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "Decision: Accepted" in text and "Decision: Rejected" in text
    assert f"Decisions: 1 accepted, 1 rejected, 0 not applicable, {total - 2} undecided." in text


def test_browser_legacy_doc_reason_is_inline(server, page, tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(OLE)
    page.goto(server)
    page.wait_for_selector('[data-testid="stFileUploader"]')
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    alert = page.locator('[data-testid="stAlertContainer"]').filter(has_text="legacy Word .doc")
    alert.first.wait_for()
    assert "old.doc: legacy Word .doc" in alert.first.inner_text() and alert.first.is_visible()


@pytest.mark.parametrize("names", [("tech_license.txt", "mutual_nda.txt")])
def test_browser_batch_row_opens_its_review(server, page, samples_dir, names):
    from screenshot import batch_page, wait_idle

    batch_page(page, server, [samples_dir / n for n in names])
    # the first data row's selection box (the glide grid draws cells on a canvas: click by position)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 36 + 17)
    page.get_by_text("Review a contract").wait_for()
    wait_idle(page)
    page.get_by_text("Suggested language").first.wait_for()
    assert page.locator('[data-testid="stFileUploaderFileName"]').count() == 0  # the batch's file, not an upload
    assert names[0] in page.locator("p.ca-note").filter(has_text="File:").first.inner_text()


@pytest.mark.parametrize("sample", ["tech_license.docx"])
def test_browser_accepting_duplicate_suggestions_merges_them_and_says_so(server, page, samples_dir, tmp_path, sample):
    """Two improvements findings of the licence sample suggest the same clause: accepting both makes
    one tracked change with one comment for the two, and the page says that one duplicate was merged."""
    import zipfile

    from screenshot import upload_and_wait, wait_idle

    page.goto(server)
    upload_and_wait(page, samples_dir / sample)
    fids = page.evaluate("""() => [...document.querySelectorAll('.ca-head')]
        .filter(h => h.querySelector('b').innerText.trim() === 'improvements').map(h => h.dataset.f)""")
    assert len(fids) >= 2, fids
    for fid in fids:
        card = page.locator('[class*="st-key-card_"]').filter(has=page.locator(f'.ca-head[data-f="{fid}"]')).first
        card.locator('[data-testid="stRadio"] label').filter(has_text="Accept").first.click()
        page.wait_for_selector(f'.ca-head.accepted[data-f="{fid}"]')
        wait_idle(page)
    page.locator('[data-testid="stTab"]:visible').filter(has_text="Downloads").first.click()
    caption = page.get_by_text("duplicate(s) merged into one change").first
    caption.wait_for()
    assert "1 duplicate(s) merged into one change" in caption.inner_text()
    button = page.locator('[data-testid="stDownloadButton"]:visible button').filter(has_text="Redlined DOCX").first
    with page.expect_download() as info:
        button.click()
    path = tmp_path / "redline.docx"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        comments = zf.read("word/comments.xml").decode()
    assert comments.count("One change for 2 findings") == 1
