"""The memo shows the detected agreement type and the playbook at the top, and a check note when uncertain."""

from __future__ import annotations

from analyzer.core.schema import AgreementType, DocumentInfo, Format, Report
from analyzer.output.render import to_html, to_markdown


def _report(conf: float, low: bool) -> Report:
    return Report(document=DocumentInfo(source="c.txt", format=Format.TXT, sha256="0" * 64, chars=4), text="text",
                  agreement_type=AgreementType(label="services", confidence=conf, low_confidence=low,
                                               alternatives=[{"label": "license", "confidence": 0.3}]),
                  playbook="saas-services", playbook_source="agreement_type", perspective="neutral")


def test_the_memo_opens_with_the_type_and_the_playbook():
    md = to_markdown(_report(0.9, False))
    head = md.splitlines()[2:4]
    assert "Agreement type" in head[0] and "services" in head[0] and "0.90" in head[0]
    assert "Playbook" in head[1] and "saas-services" in head[1] and "agreement type" in head[1]
    assert "Check" not in md


def test_a_low_confidence_type_carries_a_check_note():
    md, html = to_markdown(_report(0.4, True)), to_html(_report(0.4, True))
    assert "**Check:**" in md and "uncertain" in md and "license 0.30" in md
    assert "<b>Check:</b>" in html
    assert html.index("Agreement type") < html.index("Format")


def test_the_memo_names_the_overlays_applied_and_suggested():
    from analyzer.core.schema import OverlaySuggestion

    report = _report(0.9, False).model_copy(update={
        "versions": {"overlays": "cn-outbound@1.0"},
        "skipped_rules": ["lic.improvements", "sep-frand.commitment"],
        "suggested_overlays": [OverlaySuggestion(id="cn-outbound", reasons=["the licensor X is established in China"],
                                                 applied=True),
                               OverlaySuggestion(id="eu", reasons=["Y is established in the EU"])]})
    md, html = to_markdown(report), to_html(report)
    # a licence-only rule and an overlay rule whose conditions are not met are told apart
    assert "grants no licence\\):** lic.improvements\n" in md
    assert "**Overlays:** cn-outbound\\@1.0 \\(rules whose conditions the contract does not meet: " \
           "sep-frand.commitment\\)" in md
    assert "**Suggested overlays \\(not applied\\):** eu \\(Y is established in the EU\\)" in md
    assert "cn-outbound \\(the licensor" not in md  # applied, so not suggested again
    assert "<b>Suggested overlays (not applied):</b> eu (Y is established in the EU)" in html
    assert "Overlays" not in to_markdown(_report(0.9, False))
