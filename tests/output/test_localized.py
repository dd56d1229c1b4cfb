"""Chinese output: the playbooks' zh text, findings in Chinese, and the memo with ``--lang zh``."""

from __future__ import annotations

import re

import pytest
import yaml

from analyzer.core.schema import DocumentInfo, Finding, Format, Report, Suggestion
from analyzer.output.localized import localize_report, render_lang
from analyzer.review.localize import localize, zh_values
from analyzer.review.overlays import (
    Overlay,
    OverlayRule,
    apply_overlays,
    overlays_dir,
    resolve_overlay,
)
from analyzer.review.playbook import (
    Playbook,
    RuleSet,
    ZhText,
    library_dir,
    resolve_playbook,
)

PLAYBOOKS = ["tech-license", "joint-venture", "nda", "rd-collaboration", "saas-services", "supply-manufacturing"]


@pytest.mark.parametrize("pid", PLAYBOOKS)
def test_localized_every_rule_of_the_playbooks_has_a_chinese_title_and_check_messages(pid):
    pb = resolve_playbook(pid)
    for rule in pb.rules:
        assert rule.zh is not None and rule.zh.title, rule.id
        assert len(rule.zh.checks) <= len(rule.checks), rule.id
        if not rule.id.startswith("balance."):  # the balance rules are new; their later checks show in English
            assert len(rule.zh.checks) == len(rule.checks), rule.id


def test_localized_override_without_chinese_drops_the_rule_chinese_language():
    pb = resolve_playbook("tech-license")
    rule = next(r for r in pb.rules if r.id == "lic.grant")
    licensee = rule.for_perspective("licensee")
    assert licensee.zh.preferred and licensee.zh.preferred != rule.zh.preferred  # the override's own Chinese
    assert licensee.zh.title == rule.zh.title
    english_only = rule.model_copy(update={"by_perspective": {
        "licensee": rule.by_perspective["licensee"].model_copy(update={"zh": None})}})
    assert english_only.for_perspective("licensee").zh.preferred is None  # the rule's Chinese would say something else


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _language_pairs():
    """(where, English, Chinese) for every piece of suggested language in the clause library and the
    overlays: rules' and overrides' preferred and fallback, checks' own language, tightenings'."""
    out = []

    def rule(where, r, zh):
        for name in ("preferred", "fallback"):
            if getattr(r, name):
                out.append((f"{where}.{name}", getattr(r, name), getattr(zh, name) if zh is not None else None))
        for i, c in enumerate(r.checks or []):
            if c.preferred:
                out.append((f"{where}.checks[{i}]", c.preferred, c.zh.preferred if c.zh is not None else None))

    models = {"playbook": Playbook, "ruleset": RuleSet, "overlay": Overlay}
    for path in sorted(library_dir().glob("*.yaml")) + sorted(overlays_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc = models[data.get("kind", "playbook")].model_validate(data)
        for r in doc.rules:
            rule(f"{path.name}:{r.id}", r, r.zh)
            for persp, ov in r.by_perspective.items():
                rule(f"{path.name}:{r.id}/{persp}", ov, r.for_perspective(persp).zh)
        for i, t in enumerate(getattr(doc, "tighten", [])):
            rule(f"{path.name}:tighten[{i}] {t.id}", t, t.zh)
    return out


def test_localized_every_suggested_language_has_chinese():
    pairs = _language_pairs()
    assert len(pairs) > 150  # every playbook, rule set and overlay was read
    missing = [where for where, _, zh in pairs if not zh]
    assert not missing, f"English suggested language without Chinese: {missing}"
    # the Chinese never names a placeholder the English lacks (it would fill in a value the English does not state)
    extra = [(where, sorted(set(_PLACEHOLDER.findall(zh)) - set(_PLACEHOLDER.findall(en)))) for where, en, zh in pairs
             if set(_PLACEHOLDER.findall(zh)) - set(_PLACEHOLDER.findall(en))]
    assert not extra, extra


def test_localized_overlay_language_reaches_the_finding_in_chinese():
    """A tightening that replaces a rule's language carries its own Chinese; a check's own language
    gives the Chinese suggestion of the finding it raises."""
    pb = resolve_playbook("tech-license")
    tight, _ = apply_overlays(pb, [resolve_overlay("eu")], _report("This Agreement.", []))
    rule = next(r for r in tight.rules if r.id == "lic.no-challenge")
    eu = next(t for t in resolve_overlay("eu").tighten if t.id == "lic.no-challenge")
    assert rule.preferred == eu.preferred and rule.zh.preferred == eu.zh.preferred
    assert rule.zh.title == next(r for r in pb.rules if r.id == "lic.no-challenge").zh.title
    check = next(c for c in rule.checks if c.preferred)
    text = "本协议由许可方和被许可方签订。"
    finding = Finding(id="f1", rule_id=rule.id, category=rule.category, kind="deviation", severity="medium",
                      message=f"{rule.title}: {check.message}",
                      suggestion=Suggestion(action="insert", text=check.preferred))
    out = localize(_report(text, [finding]), tight, "licensee", [finding])[0]
    assert out.suggestion.text_zh and out.suggestion.text_zh.startswith("质疑。")
    assert "{" not in out.suggestion.text_zh


def test_localized_overlay_rules_take_chinese_text():
    """Overlay rules are playbook rules: they carry ``zh`` text the same way."""
    assert "zh" in OverlayRule.model_fields
    assert ZhText(title="出口管制", checks=["未约定"]).title == "出口管制"


def _report(text: str, findings) -> Report:
    return Report(document=DocumentInfo(source="c.docx", format=Format.DOCX, sha256="0" * 64, chars=len(text)),
                  text=text, findings=findings)


def test_localized_findings_get_chinese_message_rationale_and_language():
    pb = resolve_playbook("joint-venture")
    text = "第一条 合营公司\n本合同由甲方和乙方签订。\n"
    missing = Finding(id="a", rule_id="jv.deadlock", category="deadlock", kind="missing", severity="high",
                      message="Missing: Deadlock. No such clause was found.",
                      suggestion=Suggestion(action="insert", text="Deadlock. ..."))
    rule = next(r for r in pb.rules_for("partner") if r.id == "common.confidentiality")
    check = next(c for c in rule.checks if c.attribute == "confidentiality_years")
    deviation = Finding(id="b", rule_id="common.confidentiality", category="confidentiality", kind="deviation",
                        severity="medium", message=f"{rule.title}: {check.message} — “第一条 合营公司”")
    from analyzer.core.schema import Span

    deviation.evidence = [Span(start=0, end=8)]
    out = localize(_report(text, [missing, deviation]), pb, "partner", [missing, deviation])
    assert out[0].message_zh == "缺少：僵局。未找到此类条款（已检索全文的标签、标题和措辞）；本手册要求包含该条款。"
    assert out[0].suggestion.text_zh.startswith("僵局。如董事会") and "甲方" in out[0].suggestion.text_zh
    assert out[0].rationale_zh
    assert out[1].message_zh == "保密：保密期限短于五年，不足以保护技术秘密——“第一条 合营公司”"


def test_localized_placeholder_values_in_chinese():
    r = _report("本合同由甲方与乙方签订。本合同适用中国法律。", [])
    v = zh_values(r, {"agreement": "this Agreement", "party_a": "[Partner A]", "jv_company": "[the joint venture company]",
                      "licensor": "Alpha GmbH"})
    assert v["agreement"] == "本合同" and v["party_a"] == "甲方" and v["jv_company"] == "[合营公司]" and v["licensor"] == "Alpha GmbH"


def _memo_report() -> Report:
    f = Finding(id="a", rule_id="lang.version", category="language_version", kind="risk", severity="medium",
                message="Both language versions are equally authentic and neither prevails.",
                message_zh="两种文本具有同等效力，且未约定以哪种文本为准。", rationale="Why.", rationale_zh="理由。",
                suggestion=Suggestion(action="insert", text="Language. ...", text_zh="语言。本协议以英文和中文写成。"))
    return _report("This Agreement is made in English and Chinese.", [f])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_localized_memo_in_chinese(fmt):
    out = render_lang(_memo_report(), fmt, "zh")
    for piece in ("合同审查", "摘要", "按严重程度排列的审查意见", "两种文本具有同等效力", "理由", "语言。本协议以英文和中文写成。",
                  "共1条审查意见：高0条，中1条，低0条"):
        assert piece in out, piece
    assert "Executive summary" not in out and "Both language versions" not in out


def test_localized_json_keeps_both_languages():
    r = _memo_report()
    assert render_lang(r, "json", "zh") == render_lang(r, "json", "en")
    assert localize_report(r, "en") is r
    with pytest.raises(ValueError, match="unknown language"):
        localize_report(r, "fr")
