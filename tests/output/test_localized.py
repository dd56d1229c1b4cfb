"""Chinese output: the playbooks' zh text, findings in Chinese, and the memo with ``--lang zh``."""

from __future__ import annotations

import re
from pathlib import Path

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
from analyzer.review.placeholders import PLACEHOLDERS
from analyzer.review.playbook import (
    Playbook,
    RuleSet,
    ZhText,
    library_dir,
    resolve_playbook,
)

PLAYBOOKS = ["tech-license", "joint-venture", "nda", "rd-collaboration", "saas-services", "supply-manufacturing",
             "trademark-brand-license"]
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.mark.parametrize("pid", PLAYBOOKS)
def test_localized_every_rule_of_the_playbooks_has_a_chinese_title_and_check_messages(pid):
    pb = resolve_playbook(pid)
    for rule in pb.rules:
        assert rule.zh is not None and rule.zh.title, rule.id
        assert rule.zh.rationale, rule.id
        assert len(rule.zh.checks) == len(rule.checks) and all(rule.zh.checks), rule.id


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
    # the Chinese names exactly the placeholders of the English: no value the English does not state, none it drops
    differ = [(where, sorted(set(_PLACEHOLDER.findall(en)) ^ set(_PLACEHOLDER.findall(zh)))) for where, en, zh in pairs
              if set(_PLACEHOLDER.findall(zh)) != set(_PLACEHOLDER.findall(en))]
    assert not differ, differ


_BRACKET = re.compile(r"\[([^\]]*)\]")


def test_localized_chinese_language_keeps_the_bracketed_values_to_choose():
    """A value the English leaves to the user in brackets ([●], [thirty (30)], [75%]) is bracketed in the
    Chinese too, with the same figures."""
    problems = []
    for where, en, zh in _language_pairs():
        en_b, zh_b = _BRACKET.findall(en), _BRACKET.findall(zh)
        if en_b.count("●") != zh_b.count("●"):
            problems.append((where, "●"))
        for value in en_b:
            digits = re.findall(r"\d+", value)
            if digits and not any(re.findall(r"\d+", z) == digits for z in zh_b):
                problems.append((where, value))
    assert not problems, problems


def _missing_chinese() -> list[str]:
    """Every title, rationale and check message of the clause library and the overlays (rules, the
    perspectives' own rationales and checks, tightenings) that has no Chinese."""
    missing = []
    models = {"playbook": Playbook, "ruleset": RuleSet, "overlay": Overlay}
    for path in sorted(library_dir().glob("*.yaml")) + sorted(overlays_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc = models[data.get("kind", "playbook")].model_validate(data)
        for r in doc.rules:
            where, zh = f"{path.name}:{r.id}", r.zh
            missing += [f"{where}.{name}" for name in ("title", "rationale") if zh is None or not getattr(zh, name)]
            missing += [f"{where}.checks[{i}]" for i in range(len(r.checks))
                        if zh is None or i >= len(zh.checks) or not zh.checks[i]]
            for persp, ov in r.by_perspective.items():
                pzh = r.for_perspective(persp).zh
                if ov.rationale and not (pzh and pzh.rationale):
                    missing.append(f"{where}/{persp}.rationale")
                missing += [f"{where}/{persp}.checks[{i}]" for i in range(len(ov.checks or []))
                            if pzh is None or i >= len(pzh.checks) or not pzh.checks[i]]
        for i, t in enumerate(getattr(doc, "tighten", [])):
            where, zh = f"{path.name}:tighten[{i}] {t.id}", t.zh
            if zh is None or not zh.rationale:
                missing.append(f"{where}.rationale")
            missing += [f"{where}.checks[{j}]" for j in range(len(t.checks))
                        if zh is None or j >= len(zh.checks) or not zh.checks[j]]
    return missing


def test_localized_every_title_rationale_and_check_message_has_chinese():
    assert not _missing_chinese()


def test_localized_missing_chinese_is_found(tmp_path, monkeypatch):
    """The check above reads the perspectives' own checks and the tightenings: a check message without
    Chinese is reported."""
    data = yaml.safe_load((overlays_dir() / "us.yaml").read_text(encoding="utf-8"))
    data["tighten"][0]["zh"]["checks"] = data["tighten"][0]["zh"]["checks"][:-1]
    (tmp_path / "us.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setitem(globals(), "overlays_dir", lambda: tmp_path)
    assert _missing_chinese() == [f"us.yaml:tighten[0] {data['tighten'][0]['id']}.checks[{len(data['tighten'][0]['checks']) - 1}]"]


def test_localized_overlay_rationales_keep_the_figures_of_the_law():
    """The Chinese rationale of every overlay rule and tightening names the same years, articles and case
    numbers (every number of two or more digits) as the English."""
    problems = []
    for path in sorted(overlays_dir().glob("*.yaml")):
        ov = Overlay.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for item in [*ov.rules, *ov.tighten]:
            lost = set(re.findall(r"\d{2,}", item.rationale)) - set(re.findall(r"\d{2,}", item.zh.rationale))
            if lost:
                problems.append((path.name, item.id, sorted(lost)))
    assert not problems, problems


def test_localized_tightening_adds_its_chinese_rationale_and_check_messages():
    from analyzer.review.overlays import tighten_rule

    pb = resolve_playbook("tech-license")
    rule = next(r for r in pb.rules if r.id == "lic.improvements")
    t = next(t for t in resolve_overlay("cn-outbound").tighten if t.id == "lic.improvements")
    out = tighten_rule(rule, t, "cn-outbound")
    assert out.zh.rationale == f"{rule.zh.rationale}\n\n司法辖区规则 cn-outbound：{t.zh.rationale}"
    assert out.zh.checks == [*rule.zh.checks, *t.zh.checks] and len(out.zh.checks) == len(out.checks)
    licensor = out.for_perspective("licensor")  # the licensor's own checks, then the tightening's
    assert licensor.zh.checks[-len(t.checks):] == t.zh.checks and len(licensor.zh.checks) == len(licensor.checks)
    assert all(licensor.zh.checks)
    english_only = tighten_rule(rule, t.model_copy(update={"zh": None}), "cn-outbound")
    assert english_only.zh.rationale is None  # the rule's Chinese alone would leave the overlay's reason out
    assert english_only.zh.checks[len(rule.checks):] == [None] * len(t.checks)


def test_localized_export_control_laws_in_chinese():
    from analyzer.review.jurisdiction import PRC_EXPORT_CONTROL_LAWS
    from analyzer.review.placeholders import PLACEHOLDERS

    r = _report("本协议由许可方和被许可方签订。", [])
    for value in (PLACEHOLDERS["export_control_laws"], PRC_EXPORT_CONTROL_LAWS):
        zh = zh_values(r, {"export_control_laws": value})["export_control_laws"]
        assert "2021/821" in zh and not re.search(r"[A-Za-z]{3,}", zh)
    assert zh_values(r, {"export_control_laws": "the laws of Ruritania"})["export_control_laws"] == "the laws of Ruritania"


def test_localized_forum_defaults_with_alternatives_in_chinese():
    from analyzer.review.jurisdiction import (
        BEIJING,
        CIETAC,
        HKIAC,
        HONG_KONG,
        PRC_COURTS,
        SIAC,
        SINGAPORE,
        either,
        seats,
    )

    r = _report("本合同由甲方和乙方签订。", [])
    v = zh_values(r, {"arbitration_rules": either(CIETAC, HKIAC), "arbitration_seat": seats(BEIJING, HONG_KONG),
                      "courts": PRC_COURTS, "seat2": seats(HONG_KONG, SINGAPORE), "rules2": either(HKIAC, SIAC)})
    assert v["arbitration_rules"] == "中国国际经济贸易仲裁委员会仲裁规则[或香港国际仲裁中心机构仲裁规则]"
    assert v["arbitration_seat"] == "[中华人民共和国北京][或香港]" and v["seat2"] == "[香港][或新加坡]"
    assert v["rules2"] == "香港国际仲裁中心机构仲裁规则[或新加坡国际仲裁中心仲裁规则]"
    assert v["courts"] == "合营公司注册地有管辖权的人民法院"
    # a forum the table does not know stays in English (without its leading article, like any English term)
    other = either("the LCIA Rules", SIAC)
    assert zh_values(r, {"arbitration_rules": other})["arbitration_rules"] == other.removeprefix("the ")


def test_localized_cli_memo_shows_the_overlay_findings_in_chinese(stub_classifier, tmp_path):
    """``analyze --overlay cn-outbound --format md --lang zh``: the overlay's findings show their Chinese
    message and the overlay's Chinese rationale."""
    from analyzer.cli import main

    out = tmp_path / "memo.md"
    assert main(["analyze", str(SAMPLES / "outbound_license.txt"), "--perspective", "licensor",
                 "--overlay", "cn-outbound", "--format", "md", "--lang", "zh", "-o", str(out)]) == 0
    memo = out.read_text(encoding="utf-8")
    assert "已启用的司法辖区规则：" in memo and "cn-outbound" in memo
    header = memo.split("\n## ")[0]  # the lines above the summary
    for english in ("confidence", "chosen from", "perspective:", "characters", "success", "(licensor)", "next:"):
        assert english not in header.replace("\\", ""), english
    assert "审查立场：许可方" in header and "许可协议" in header and "（许可方）" in header
    heads = re.findall(r"(?m)^### .*$", memo)
    assert heads and not any(re.search(r"[a-z]+_[a-z_]+|\bclause\b|\bpp?\.", h) for h in heads), heads
    assert any("出口管制" in h for h in heads)
    blocks = memo.split("\n### ")[1:]
    overlay = [b for b in blocks if "司法辖区规则 cn-outbound：" in b]
    assert overlay, "no finding of the overlay"
    for b in blocks:
        message = [line for line in b.split("\n") if line.strip()][1]
        assert re.search(r"[\u4e00-\u9fff]", message), message  # every finding's message in Chinese
    text = "\n".join(overlay)
    assert "《中华人民共和国出口管制法》（2020年）" in text and "《中华人民共和国技术进出口管理条例》" in text
    for block in overlay:
        why = next(line for line in block.split("\n") if line.startswith("*理由：*"))
        assert "Overlay" not in why and not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", why), why  # no English prose


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


def test_chinese_language_for_an_english_contract_drops_articles_and_translates_defaults():
    report = Report(document=DocumentInfo(source="c.txt", format=Format.TXT, sha256="0" * 64, chars=4), text="text")
    values = dict(PLACEHOLDERS, licensed_patents="the Licensed Patents", licensee="Beta GmbH")
    out = zh_values(report, values)
    assert out["licensed_patents"] == "Licensed Patents" and out["licensee"] == "Beta GmbH"
    assert out["licensor"] == "[许可方]" and out["products"] == "[合同产品]" and out["know_how"] == "[专有技术]"
    assert out["arbitration_rules"] == "国际商会仲裁规则" and out["courts"] == "[英格兰和威尔士法院]"
    assert out["agreement"] == "本协议"
    assert not any(v.startswith(("the ", "The ")) for k, v in out.items() if k != "export_control_laws")
