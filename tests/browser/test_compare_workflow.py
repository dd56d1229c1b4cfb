"""Comparing two drafts in a real browser (Playwright + Debian chromium): the other side's markup
of the licence sample is uploaded next to our draft, the worse changes are listed first, and the
reply DOCX reverses them as tracked changes.

Skipped when chromium or the playwright package is absent (`make system-deps` installs chromium).
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

CURE_OLD = "within ten (10) days after receiving written notice"
CURE_NEW = "within five (5) days after receiving written notice"
SURVIVAL = "6.3 The obligations in this clause 6 shall continue for two (2) years"
WORDING_OLD = "Headings are for convenience only."
WORDING_NEW = "Headings are for ease of reference only."


def their_markup(text: str) -> str:
    """The other side's markup: a shorter cure period, the confidentiality survival clause removed,
    and a wording-only change in an earlier clause (so that document order is not worse-first)."""
    for old, new in ((CURE_OLD, CURE_NEW), (WORDING_OLD, WORDING_NEW)):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    start = text.index(SURVIVAL)
    end = text.index("\n\n", start) + 2
    return text[:start] + text[end:]


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drafts")
    text = (ROOT / "samples" / "tech_license.txt").read_text(encoding="utf-8")
    old, new = folder / "our_draft.txt", folder / "their_markup.txt"
    old.write_text(text, encoding="utf-8")
    new.write_text(their_markup(text), encoding="utf-8")
    return old, new


def _cards(page) -> list[tuple[str, str]]:
    """(judgement badge, card text) of each change card in the Changes tab, in page order."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stTabPanel"] .stMarkdownBadge')]
        .map(b => [b.textContent.trim(), b.closest('[data-testid="stVerticalBlock"]').innerText])""")


def test_browser_compare_lists_worse_changes_first_and_the_reply_reverses_them(page, server, drafts, tmp_path):
    from screenshot import compare_page

    compare_page(page, server, *drafts)
    metrics = dict(zip(page.locator('[data-testid="stMetricLabel"]').all_inner_texts(),
                       page.locator('[data-testid="stMetricValue"]').all_inner_texts()))
    assert metrics["Worse"] == "2" and metrics["Neutral"] == "1", metrics
    cards = _cards(page)
    assert [badge for badge, _ in cards] == ["worse", "worse", "neutral"], cards
    worse = "\n".join(text for _, text in cards[:2])
    assert "cure period shortened: 10 days → 5 days" in worse
    assert "clause 6.3 deleted" in worse and "survival" in worse
    assert "clause 1.2" in cards[2][1] and "wording only" in cards[2][1]

    page.locator('[data-testid="stTab"]').filter(has_text="Downloads").first.click()
    button = page.locator('[data-testid="stDownloadButton"]:visible button').filter(has_text="Reply DOCX").first
    button.wait_for()
    page.get_by_text("2 worse change(s) reversed as tracked changes").wait_for()
    with page.expect_download() as info:
        button.click()
    assert info.value.suggested_filename == "their_markup_reply.docx"
    path = tmp_path / "reply.docx"
    info.value.save_as(path)

    reply = docx.Document(str(path))
    body = reply.element.body
    comments = [c.text for c in reply.comments]
    assert len(comments) == 2 and any("cure period" in c for c in comments), comments
    inserted = "".join(body.xpath(".//w:ins//w:t/text()"))
    deleted = "".join(body.xpath(".//w:del//w:delText/text()"))
    assert "ten (10)" in inserted and "five (5)" in deleted  # the cure period goes back to ten days
    assert "shall continue for two (2) years" in inserted  # the survival clause comes back
    authors = set(body.xpath(".//w:ins/@w:author | .//w:del/@w:author"))
    assert authors == {"Clause Analyzer"}
    # the neutral change is accepted: the reply keeps their wording untouched
    text = "\n".join(p.text for p in reply.paragraphs)
    assert WORDING_NEW in text and WORDING_OLD not in text


def test_browser_compare_legacy_doc_reason_is_inline(page, server, tmp_path):
    path = tmp_path / "their_markup.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    page.goto(f"{server}/compare")
    page.wait_for_selector('.st-key-compare_new [data-testid="stFileUploader"]')
    page.locator('.st-key-compare_new input[type="file"]').set_input_files(str(path))
    alert = page.locator('[data-testid="stAlertContainer"]').filter(has_text="legacy Word .doc")
    alert.first.wait_for()
    assert alert.first.is_visible()
    assert "their_markup.doc: legacy Word .doc (binary) format is not supported; save it as .docx" \
        in alert.first.inner_text()
