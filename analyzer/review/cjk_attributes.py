"""Attributes stated in Chinese: the same attributes the English rules read, from Chinese wording.

Only what a Chinese sentence states is set, and only where the English rules left it unset:
exclusivity (独占 / 排他 / 普通 / 非独占), territory (在中国境内, 全球), field of use (领域),
sublicensing, transferability, perpetual and irrevocable licences, royalties, audit, cure
periods (N日内未予纠正), confidentiality years and survival (终止后N年内继续有效), termination
triggers, exceptions to confidentiality, liability caps and unlimited liability, governing law
(适用中华人民共和国法律) and arbitration (仲裁委员会 / 仲裁中心, the seat 在北京进行仲裁).
"""

from __future__ import annotations

import re
from typing import Optional

from analyzer.core.cjk import cn_number, has_cjk

_N = r"(?P<n>[零〇一二两三四五六七八九十百\d]{1,6})(?:\s*[（(]\s*\d{1,3}\s*[）)])?"
_DAYS = re.compile(_N + r"\s*(?:个)?(?P<u>日|天|工作日|个月|月|周)")
_YEARS = re.compile(_N + r"\s*(?:个)?年")
_REGION = (r"(?:中华人民共和国|中国大陆|中国|香港|澳门|台湾|亚太地区|亚洲|欧洲|欧盟|美国|德国|日本|新加坡|"
           r"[\u4e00-\u9fff]{2,8}(?:省|市|地区|区域))")
# institutions the attribute names; the Shanghai and Beijing
# commissions have none
_INSTITUTIONS = (("CIETAC", r"中国国际经济贸易仲裁委员会|贸仲"), ("HKIAC", r"香港国际仲裁中心"),
                 ("SIAC", r"新加坡国际仲裁中心"), ("ICC", r"国际商会"))
_LAWS = (("PRC", r"中华人民共和国|中国"), ("Hong Kong", r"香港"), ("Germany", r"德国|德意志"), ("Singapore", r"新加坡"),
         ("England and Wales", r"英格兰"), ("New York", r"纽约"), ("Switzerland", r"瑞士"))


def _num(s: str) -> Optional[int]:
    return cn_number(s)


def _days(m: re.Match) -> Optional[int]:
    n = _num(m.group("n"))
    if n is None:
        return None
    return {"日": n, "天": n, "工作日": n, "周": 7 * n}.get(m.group("u"), 30 * n)


def read_chinese(t: str, low: str, ctx, a: dict) -> None:
    """Add the attributes a Chinese sentence ``t`` states to ``a`` (in place); see the module doc."""
    if not has_cjk(t):
        return

    def put(key, value):
        a.setdefault(key, value)

    licence = re.search(r"许可|授权|使用权", t)
    if licence:
        if re.search(r"非独占|非排他|普通许可", t):
            put("exclusivity", "non_exclusive")
        elif re.search(r"排他许可|排他的", t):
            put("exclusivity", "sole")
        elif re.search(r"独占", t):
            put("exclusivity", "exclusive")
        if re.search(r"全(?:世界|球)(?:范围)?", t):
            put("territory", "worldwide")
            put("worldwide", True)
        else:
            m = re.search(rf"(?:在|于|限于)(?P<t>{_REGION})(?:境内|范围内|地区|区域内?)?", t)
            if m:
                put("territory", m.group("t"))
                put("worldwide", False)
        if re.search(r"领域(?:内|范围)|(?:使用|应用|许可)领域", t):
            put("field_of_use", "领域")
        if re.search(r"不得[^。；]{0,20}(?:分许可|再许可|转授权)", t):
            put("sublicensable", False)
        elif re.search(r"分许可|再许可|转授权", t):
            put("sublicensable", True)
        if re.search(r"不可转让", t):
            put("transferable", False)
        if re.search(r"永久", t):
            put("perpetual", True)
        if re.search(r"不可撤销", t):
            put("irrevocable", True)
        if re.search(r"(?:免费|无偿|免收)", t):
            put("royalty_bearing", False)
        elif re.search(r"(?:使用|许可|提成)费", t):
            put("royalty_bearing", True)
    if re.search(r"审计|查账|(?:检查|查阅)[^。；]{0,10}(?:账簿|记录)", t):
        put("audit_rights", True)
    if re.search(r"保密|商业秘密", t):
        m = _YEARS.search(t)
        if m and _num(m.group("n")) is not None:
            put("confidentiality_years", float(_num(m.group("n"))))
    if re.search(r"继续有效|仍然有效|不因[^。；]{0,20}(?:终止|解除)而", t):
        put("survives", True)
    if re.search(r"终止|解除", t):
        trig = list(a.get("termination_triggers") or [])
        if re.search(r"违约|违反", t) and "breach" not in trig:
            trig.append("breach")
        if re.search(r"破产|清算|解散|吊销", t) and "insolvency" not in trig:
            trig.append("insolvency")
        if trig:
            a["termination_triggers"] = trig
    if re.search(r"纠正|改正|补救|弥补", t) and re.search(r"违约|违反", t):
        days = [d for d in (_days(m) for m in _DAYS.finditer(t)) if d]
        if days:
            put("cure_days", min(days))
    if re.search(r"(?:全部|一切)损失", t) and re.search(r"赔偿", t):
        put("uncapped", True)
    if re.search(r"(?:不超过|不得超过|为限|上限)", t) and re.search(r"责任|赔偿", t):
        put("capped", True)
    m = re.search(r"适用(?P<law>[^。；，]{0,20}?)法律|受(?P<law2>[^。；，]{0,20}?)法律[^。；]{0,4}管辖", t)
    if m:
        where = m.group("law") or m.group("law2") or ""
        for name, pat in _LAWS:
            if re.search(pat, where):
                put("governing_law", name)
                break
    if re.search(r"仲裁", t):
        put("arbitration", True)
        for name, pat in _INSTITUTIONS:
            if re.search(pat, t):
                put("arbitration_rules", name)
                break
        m = re.search(r"在(?P<seat>[\u4e00-\u9fff]{2,4}?)(?:市)?进行仲裁|仲裁地(?:为|点为)?(?P<seat2>[\u4e00-\u9fff]{2,4})", t)
        if m:
            put("arbitration_seat", m.group("seat") or m.group("seat2"))
    elif re.search(r"人民法院|法院[^。；]{0,10}(?:起诉|诉讼|管辖)", t):
        put("courts", "人民法院" if "人民法院" in t else "法院")
    read_chinese_more(t, a)


def _add(a: dict, key: str, values: list[str]) -> None:
    old = list(a.get(key) or [])
    a[key] = old + [v for v in values if v not in old]


def read_chinese_more(t: str, a: dict) -> None:
    """Confidentiality, assignment and joint-venture attributes stated in Chinese (see ``read_chinese``)."""
    exc = []
    if re.search(r"公知|公众所知|公开(?:获得|可得)|进入公有领域", t):
        exc.append("public")
    if re.search(r"(?:此前|事先|已经)[^。；]{0,10}(?:知悉|掌握|拥有)", t):
        exc.append("prior_knowledge")
    if re.search(r"从第三方[^。；]{0,10}(?:合法)?(?:获得|取得)", t):
        exc.append("third_party")
    if re.search(r"独立(?:开发|研发)", t):
        exc.append("independent")
    if exc:
        _add(a, "exceptions", exc)
    if re.search(r"返还|归还|销毁", t) and re.search(r"资料|信息|文件", t):
        a.setdefault("return_or_destroy", True)
    if re.search(r"(?:未经|须经|应经|取得)[^。；]{0,20}同意[^。；]{0,30}转让|转让[^。；]{0,30}(?:须|应)经[^。；]{0,10}同意", t):
        a.setdefault("assignment_consent", True)
    if re.search(r"董事会", t) and re.search(r"(?:委派|任命|提名)[^。；]{0,10}(?:名|位)?(?:董事)?|由[^。；]{0,6}名董事组成", t):
        a.setdefault("board", True)
    if re.search(r"(?:全体董事|全体股东|双方)[^。；]{0,10}一致(?:通过|同意)|一致同意方可", t):
        a.setdefault("reserved_matters", True)
    rights = []
    if re.search(r"优先购买权|优先受让", t):
        rights.append("rofr")
    if re.search(r"随售|共同出售|跟随出售", t):
        rights.append("tag_along")
    if re.search(r"领售|拖售|强制出售|强制随售", t):
        rights.append("drag_along")
    if re.search(r"(?:年|月)内[^。；]{0,10}不得转让", t):
        rights.append("lock_up")
    if re.search(r"转让[^。；]{0,20}股权|股权[^。；]{0,20}转让", t) and re.search(r"同意", t):
        rights.append("consent")
    if rights:
        _add(a, "transfer_rights", rights)
    routes = []
    if re.search(r"清算|解散", t):
        routes.append("dissolution")
    if re.search(r"收购[^。；]{0,20}股权|回购", t):
        routes.append("buy_out")
    if routes:
        _add(a, "exit_routes", routes)
    if re.search(r"增资|追加(?:投资|资金)|增加注册资本", t):
        a.setdefault("additional_funding", True)
    mech = []
    if re.search(r"僵局|僵持", t):
        if re.search(r"(?:最高管理层|高级管理层|上级)[^。；]{0,10}协商", t):
            mech.append("escalation")
        if re.search(r"调解", t):
            mech.append("mediation")
        if re.search(r"收购[^。；]{0,20}股权", t):
            mech.append("buy_sell")
        if re.search(r"解散|清算", t):
            mech.append("dissolution")
    if mech:
        _add(a, "deadlock_mechanisms", mech)
