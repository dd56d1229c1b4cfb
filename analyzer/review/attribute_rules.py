"""The rules behind ``analyzer.review.attributes``: regular expressions over plain English drafting.

``read_attributes(text, ctx)`` returns the attributes one sentence or clause states, as a
dict of ``Attributes`` field names to values. ``ctx`` supplies party roles (``ctx.roles``)
so that "owned by Acme" can be read as "owned by the licensor".
"""

from __future__ import annotations

import re
from typing import Optional

from analyzer.review.balance_attributes import read_balance
from analyzer.review.cjk_attributes import read_chinese
from analyzer.review.cross_border_attributes import read_cross_border
from analyzer.review.regex_guard import fold, guarded

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "forty-five": 45, "forty five": 45, "fifty": 50, "sixty": 60,
                      "ninety": 90, "hundred twenty": 120, "one hundred twenty": 120, "one hundred eighty": 180})
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")(?:\s*\(\d{1,3}\))?"


def _num(s: str) -> Optional[int]:
    s = s.lower().strip()
    return int(s) if s.isdigit() else _NUMBER_WORDS.get(s)


def _period_days(m: re.Match) -> Optional[int]:
    n = _num(m.group("n"))
    unit = m.group("unit").lower()
    if n is None:
        return None
    return n * (30 if unit.startswith("month") else 7 if unit.startswith("week") else 1)


_PERIOD = re.compile(_NUM + r"[\s-]+(?:business\s+|calendar\s+|working\s+)?(?P<unit>days?|weeks?|months?)", re.I)
_YEARS = re.compile(_NUM + r"[\s-]+years?", re.I)
_MONEY = re.compile(r"(?:(?:US|U\.S\.|USD|EUR|GBP|CHF|JPY|RMB|CNY)\s?\$?|[$€£¥])\s?\d(?:[\d,.]*\d)?(?:\s?(?:million|billion|thousand))?"
                    r"|\d(?:[\d,.]*\d)?\s?(?:million\s+|thousand\s+)?(?:dollars|euros?|pounds|USD|EUR|GBP|CHF)", re.I)


def _who(fragment: str, ctx) -> Optional[str]:
    f = fragment.lower()
    if re.search(r"\bjoint(?:ly)?\b|\bboth parties\b|\bthe parties\b", f):
        return "joint"
    if re.search(r"\beach party\b|\bthe party (?:that|who|which)\b|\bdeveloping party\b|\binventing party\b|\bparty making\b", f):
        return "developing_party"
    if "licensor" in f:
        return "licensor"
    if "licensee" in f:
        return "licensee"
    for name, role in sorted(ctx.roles.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"\b" + re.escape(name) + r"\b", f) and role in ("licensor", "licensee"):
            return role
    return None


_LAW_RULES = [("ICC", r"\bICC\b|International Chamber of Commerce"), ("LCIA", r"\bLCIA\b|London Court of International Arbitration"),
              ("SIAC", r"\bSIAC\b|Singapore International Arbitration"), ("HKIAC", r"\bHKIAC\b|Hong Kong International Arbitration"),
              ("ICDR", r"\bICDR\b|International Cent(?:re|er) for Dispute Resolution"), ("AAA", r"\bAAA\b|American Arbitration Association"),
              ("UNCITRAL", r"UNCITRAL"), ("JAMS", r"\bJAMS\b"), ("WIPO", r"\bWIPO\b"), ("DIS", r"\bDIS\b|German Arbitration Institute"),
              ("CIETAC", r"CIETAC|China International Economic and Trade (?:Arbitration )?Commission"), ("SCC", r"\bSCC\b|Stockholm Chamber of Commerce"),
              ("VIAC", r"\bVIAC\b|Vienna International Arbitral"), ("SWISS", r"Swiss Rules|Swiss Chambers")]
_PLACE = r"\[?(?P<place>[A-Z][A-Za-z'\-]+(?:(?:,? |, )(?:[A-Z][A-Za-z'\-]+|of|de)(?![A-Za-z]))*)"


# an obligation's own term that runs past the agreement: "for five (5) years after termination",
# "during the term and for three (3) years thereafter", "notwithstanding any expiration"
_OWN_TERM = re.compile(
    r"\b(?:years?|months?)\s+(?:after|following|from|beyond|subsequent to)\s+(?:the\s+|any\s+|its\s+|such\s+)?(?:date\s+of\s+)?"
    r"(?:termination|expiration|expiry|end)\b"
    r"|\b(?:term|termination|expiration|expiry)\b[^.;]{0,60}\b(?:and|plus)\s+(?:for\s+)?(?:a\s+(?:further\s+)?period\s+of\s+)?"
    r"[^.;]{0,30}\b(?:years?|months?)\s+thereafter"
    r"|\bnotwithstanding\s+(?:the\s+|any\s+)?(?:termination|expiration|expiry)\b", re.I)


def _search(pattern: str, text: str, flags: int = 0, folded: Optional[str] = None) -> Optional[re.Match]:
    """``re.search(pattern, text, flags)``, skipped where ``text`` lacks every word a match needs
    (``folded``: ``regex_guard.fold(text)``, when the caller has it)."""
    return guarded(pattern, flags).search(text, folded)


def _finditer(pattern: str, text: str, flags: int = 0, folded: Optional[str] = None):
    return guarded(pattern, flags).finditer(text, folded)


def read_attributes(t: str, ctx) -> dict:
    """All attributes stated in one piece of text (a sentence or a clause), as a dict."""
    a: dict = {}
    low = t.lower()
    ft = low if t.isascii() else fold(t)
    # licence grant
    if _search(r"\bsole\s+(?:and\s+exclusive\s+)?licen[cs]e", low) and "exclusive" not in low.split("sole", 1)[1][:15]:
        a["exclusivity"] = "sole"
    elif _search(r"\bnon[\s-]?exclusive\b", low):
        a["exclusivity"] = "non_exclusive"
    elif _search(r"(?<![\w-])exclusive\b[\s,]+(?:[\w-]+[\s,]+){0,6}licen[cs]e|(?<![\w-])exclusive right", low):
        a["exclusivity"] = "exclusive"
    if _search(r"\b(?:world[\s-]?wide|throughout the world|in all countries)\b", low):
        a["territory"], a["worldwide"] = "worldwide", True
    else:
        # the first place named after "in" that reads as a territory ("in the Field in the People's Republic of China")
        for m in _finditer(r"\b(?:in|within|throughout)\s+(?:the\s+)?(?P<t>(?:Licensed\s+)?Territory|[A-Z][A-Za-z]+(?:['’]s)?(?:\s+(?:and|of|[A-Z][A-Za-z]+))*)"
                             r"(?=[\s,.;)])", t, folded=ft):
            if m.group("t").endswith("Territory") or _search(r"\bterritor", low) or \
                    re.match(r"(?:United|European|People|Federal|Republic|Kingdom|North|South|Asia|Europe|China|Japan|Germany|India|Canada)", m.group("t")):
                a["territory"], a["worldwide"] = m.group("t"), False
                break
    m = _search(r"\b(?:in|within|limited to|restricted to|solely for|for use in)\s+the\s+(Field(?: of Use)?|Licensed Field)\b", t, folded=ft) \
        or _search(r"\bfield of use\b|\bin the field of\b|\bfield\s+of\s+[a-z]+|\bsolely (?:for (?:use in|the purposes? of)|to (?:carry out|perform))\b", low)
    if m:
        a["field_of_use"] = m.group(0)
    if _search(r"\b(?:non[\s-]?sublicens|without the right to (?:grant\s+)?sub[\s-]?licen|(?:may|shall) not (?:grant\s+)?sub[\s-]?licen|no right to (?:grant\s+)?sub[\s-]?licen)", low):
        a["sublicensable"] = False
    elif _search(r"\bsub[\s-]?licen[cs](?:able|es?|ing|ed)\b|right to (?:grant\s+)?sub[\s-]?licen", low):
        a["sublicensable"] = True
    if _search(r"\bnon[\s-]?transferable\b|\bnon[\s-]?assignable\b|may not (?:be\s+)?(?:assign|transfer)", low):
        a["transferable"] = False
    elif _search(r"(?<!non-)(?<!non)\btransferable\b|\bassignable\b", low):
        a["transferable"] = True
    # the pattern tries up to 40 characters before every position: run it only where "grant" occurs
    m = _search(r"(?P<w>[^.;,]{0,40}?)\s+(?:hereby\s+)?grants?\b", t, re.I, ft) if "grant" in low else None
    if m and _search(r"licen[cs]e|right", low) and _who(m.group("w"), ctx) in ("licensor", "licensee"):
        a["grantor"] = _who(m.group("w"), ctx)
    if _search(r"\bperpetual\b|in perpetuity", low):
        a["perpetual"] = True
    if _search(r"(?<!non-)\birrevocabl[ey]\b", low):
        a["irrevocable"] = True
    if _search(r"royalty[\s-]free|fully[\s-]paid|paid[\s-]up|free of charge", low):
        a["royalty_bearing"] = False
    elif _search(r"royalt(?:y|ies)|running fee|license fees?\s+of", low):
        a["royalty_bearing"] = True
    if _search(r"royalt(?:y|ies).{0,160}(?:after|following|beyond|notwithstanding)\s+(?:the\s+)?(?:expir|invalid|lapse)", low):
        a["royalty_after_expiry"] = True
    if _search(r"\baudit|inspect (?:the\s+)?(?:books|records)|examine (?:the\s+)?(?:books|records)", low):
        a["audit_rights"] = True
    # improvements / grant-back
    if _search(r"improvement|enhancement|modification|derivative|new developments?|results|invention|foreground", low):
        m = _search(r"(?:owned (?:solely |exclusively )?by|property of|vest (?:solely )?in|belong to|title .{0,30} with)\s+(?P<w>[^.;,]{0,60})", t, re.I, ft) \
            or _search(r"(?P<w>[^.;,]{0,40}?)\s+(?:(?:shall|will) (?:solely |exclusively )?own|owns)\b", t, re.I, ft)
        if m:
            who = _who(m.group("w"), ctx)
            if who:
                a["improvements_owner"] = who
        elif _search(r"\bjointly owned\b|\bowned jointly\b|\bjoint ownership\b", low):
            a["improvements_owner"] = "joint"
        if _search(r"\bassign(?:s|ment)?\b.{0,120}\b(?:to|unto)\b", low) and _search(r"licensee|hereby assign", low):
            a["grant_back"] = "assignment"
        elif _search(r"\bgrant(?:s)?\b.{0,120}\bnon[\s-]?exclusive\b", low):
            a["grant_back"] = "non_exclusive"
        elif _search(r"\bgrant(?:s)?\b.{0,120}(?<![\w-])exclusive\b", low):
            a["grant_back"] = "exclusive"
        if _search(r"\bnon[\s-]?severable\b", low):
            a["severable"] = False
        elif _search(r"\bseverable\b", low):
            a["severable"] = True
    # patents
    if _search(r"prosecut|maint(?:ain|enance)|annuit|renewal fees", low):
        m = _search(r"(?P<w>[^.;,]{0,40}?)\s+(?:shall|will) (?:be responsible for|prepare|file|control|have the (?:first |sole )?right to)[^.;]{0,60}(?:prosecut|maint|fil)", t, re.I, ft)
        if m and _who(m.group("w"), ctx):
            a["prosecution_party"] = _who(m.group("w"), ctx)
        m = _search(r"(?:costs?|expenses?|fees|annuities)[^.;]{0,80}?(?:borne|paid|reimbursed) by\s+(?P<w>[^.;,]{0,40})", t, re.I, ft) \
            or _search(r"(?P<w>[^.;,]{0,40}?)\s+(?:shall|will) (?:bear|pay|reimburse)[^.;]{0,40}(?:costs?|expenses?|fees|annuit)", t, re.I, ft)
        m = m or _search(r"(?P<w>[^.;,]{0,40}?)\s+(?:shall|will|may)\s[^.;]{0,160}?at (?:its|their) (?:own |sole )?(?:cost|expense)", t, re.I, ft)
        if m and _who(m.group("w"), ctx):
            a["prosecution_costs"] = _who(m.group("w"), ctx)
    if _search(r"infring|enforce", low):
        m = _search(r"(?P<w>[^.;,]{0,40}?)\s+(?:shall|will) have the (?:first|sole|exclusive|primary)? ?right[^.;]{0,40}(?:enforce|bring|institute|prosecute|take action)", t, re.I, ft)
        if m and _who(m.group("w"), ctx):
            a["enforcement_party"] = _who(m.group("w"), ctx)
        if _search(r"(?:fails|declines|elects not|does not)[^.;]{0,60}(?:enforce|bring|commence|take)", low):
            a["enforcement_step_in"] = True
    if _search(r"(?:not|never)\s+(?:directly or indirectly\s+)?(?:challenge|contest|oppose|dispute|attack)[^.;]{0,80}(?:validity|patent|enforceab|ownership)|no[\s-]challenge", low):
        a["no_challenge"] = True
    if _search(r"terminat[^.;]{0,80}(?:challenge|contest|oppos)", low) or _search(r"(?:challenge|contest|oppos)[^.;]{0,120}terminat", low):
        a["termination_on_challenge"] = True
    # confidentiality
    if _search(r"confiden|non-disclosure|proprietary information|secre|obligations? (?:of|under) this|surviv", low):
        m = _search(_YEARS.pattern, t, re.I, ft)
        if m and _num(m.group("n")) is not None:
            a["confidentiality_years"] = float(_num(m.group("n")))
    if _search(r"indefinite|in perpetuity|perpetual|for so long as .{0,60}(?:trade secret|confidential)|no longer (?:qualif|constitut)", low):
        a["confidentiality_indefinite"] = True
    exc = []
    if _search(r"public(?:ly)? (?:domain|available|known)|generally (?:available|known)|(?:is|becomes?|became) (?:part of the )?public\b", low):
        exc.append("public")
    if _search(r"(?:already|previously|prior)\s[^.;]{0,40}(?:known|possess)|in (?:its|the recipient's|the receiving party's) possession|known to the recipient|(?:knew|known|possess\w*)[^.;]{0,60}\b(?:before|prior to)\b", low):
        exc.append("prior_knowledge")
    if _search(r"third part(?:y|ies)[^.;]{0,80}(?:without|no)[^.;]{0,40}(?:restriction|obligation|breach|duty)|lawfully (?:received|obtained)", low):
        exc.append("third_party")
    if _search(r"independently developed|develops? independently|developed independently|independent(?:ly)? (?:creat|conceiv)", low):
        exc.append("independent")
    if exc:
        a["exceptions"] = exc
    if _search(r"required by (?:law|court|regulat)|court order|subpoena|legally compelled|stock exchange", low):
        a["compelled_disclosure"] = True
    if _search(r"\breturn\b[^.;]{0,80}\bdestroy|\bdestroy\b[^.;]{0,80}\breturn|\bdestruction\b", low):
        a["return_or_destroy"] = True
    if _search(r"surviv|continue (?:in (?:full )?(?:force|effect))?[^.;]{0,30}(?:after|following|notwithstanding)[^.;]{0,30}(?:terminat|expir)", low) \
            or _OWN_TERM.search(low):
        a["survives"] = True
    # termination
    trig = []
    if _search(r"terminat|cancel", low):
        if _search(r"\bbreach|\bdefault|fail(?:s|ure)? to (?:perform|comply|pay)", low):
            trig.append("breach")
        if _search(r"insolven|bankrupt|receiver|administrat(?:or|ion)|liquidat|winding[\s-]up|benefit of (?:its )?creditors|dissolution", low):
            trig.append("insolvency")
        if _search(r"change (?:of|in) control|is acquired|acquisition of|merger|controlling interest", low):
            trig.append("change_of_control")
        if _search(r"for convenience|for any (?:or no )?reason|without cause|at (?:any time|will)[^.;]{0,60}notice", low):
            trig.append("convenience")
    if trig:
        a["termination_triggers"] = trig
    if _search(r"\bcure|\bremed(?:y|ied|ies)|\brectif|\bcorrect", low) and _search(r"breach|default|fail", low):
        days = [_period_days(m) for m in _PERIOD.finditer(t)]
        days = [d for d in days if d]
        if days:
            a["cure_days"] = min(days)
    _commercial(t, low, ctx, a)
    read_cross_border(t, low, ctx, a)
    read_balance(t, low, ctx, a)
    read_chinese(t, low, ctx, a)
    return a


def _commercial(t: str, low: str, ctx, a: dict) -> None:
    """Liability, warranties, law and disputes, compliance, assignment and JV terms."""
    ft = low if t.isascii() else fold(t)
    # liability
    if _search(r"liab|damages|(?:not be|no) responsib\w*|neither party (?:shall|will) be responsible", low):
        if _search(r"unlimited|without (?:any )?limit (?:as to|on|of)|no limit(?:ation)? (?:on|to|of|as to) (?:the )?(?:amount|liability|its)"
                     r"|shall not be (?:limited|capped)|(?:is|be|remain) uncapped", low):
            a["uncapped"] = True
        if _search(r"(?:shall|will) not exceed|not (?:to )?exceed|(?:is|be) limited to|(?:maximum|aggregate|total|cumulative) liability|\bcap\b|in excess of", low) \
                and not _search(r"no limit|unlimited|not be limited", low):
            a["capped"] = True
            mm = _MONEY.search(t)
            if mm:
                a["cap_amount"], a["cap_basis"] = mm.group(0), "amount"
            if _search(r"(?:fees|amounts|sums|royalties|charges|price)[^.;]{0,40}(?:paid|payable)", low):
                a["cap_basis"] = "fees"
                mul = _search(r"\b(two|three|four|five|\d)\s*(?:\(\d\)\s*)?(?:times|x)\b|\btwice\b|(\d{2,3})\s?%|(one|two|three) hundred percent", low)
                a["cap_multiple"] = 2.0 if mul and mul.group(0) == "twice" else (float(_num(mul.group(1))) if mul and mul.group(1) else
                                                                             (float(mul.group(2)) / 100 if mul and mul.group(2) else 1.0))
            elif _search(r"insurance", low):
                a["cap_basis"] = "insurance"
        if _search(r"neither party|either party|each party|any party|the parties'|both parties", low):
            a["mutual"] = True
        else:
            m = _search(r"(?:liability of|in no event shall|(?:^|\.\s)(?P<x>\w[\w\s]{0,30}?)'s?\s+(?:total |aggregate |maximum )*liability)\s*(?P<w>[^.;,]{0,40})", t, re.I, ft)
            who = _who(m.group(0), ctx) if m else None
            if who in ("licensor", "licensee"):
                a["mutual"], a["liability_party"] = False, who
        if _search(r"indirect|consequential|incidental|special damages|punitive|lost profits|loss of profit", low):
            a["excludes_indirect"] = True
        if _search(r"except|exclud|shall not apply|does not apply|save (?:for|in)|other than|carve|notwithstanding|nothing in this", low):
            co = []
            for key, pat in (("confidentiality", r"confidential"), ("ip_indemnity", r"indemn[^.;]{0,80}(?:infring|intellectual property)"),
                             ("indemnity", r"indemn"), ("wilful_misconduct", r"wil+ful (?:misconduct|default)|intentional misconduct"),
                             ("gross_negligence", r"gross(?:ly)? neglig"), ("fraud", r"fraud"),
                             ("death_personal_injury", r"death|personal injury|bodily injury"),
                             ("ip_infringement", r"infringement|misappropriat")):
                if _search(pat, low):
                    co.append(key)
            if co:
                a["carve_outs"] = co
    if _search(r"warrant", low):
        if _search(r"not infring|non[\s-]?infring|without infring|free from infring|does not violate|(?:no|not received any)\b[^.;]{0,40}claim[^.;]{0,80}infring", low):
            a["non_infringement_warranty"] = True
        if _search(r"\bas[\s-]is\b|disclaims? all|without warrant(?:y|ies) of any kind|no (?:other )?warrant|(?:neither|no) party gives? any warrant|warrant(?:y|ies),? (?:either )?express or implied", low):
            a["as_is"] = True
    if _search(r"indemn|defend|hold harmless", low) and _search(r"infring|misappropriat|intellectual property", low):
        a["ip_indemnity"] = True
    # law and disputes
    m = _search(r"(?:governed by|construed (?:in accordance with|under)|subject to)\s+(?:and construed in accordance with\s+)?(?:the\s+)?(?:substantive\s+)?laws?\s+of\s+(?:the\s+)?(?:State of\s+|Commonwealth of\s+|Province of\s+)?\[?(?P<law>[A-Z][A-Za-z]+(?:\s+(?:and\s+Wales|[A-Z][A-Za-z]+))*)", t, folded=ft)
    # "governed by and interpreted in accordance with the laws of", "shall be determined, in accordance
    # with the laws of", "governed by the Laws of England", "the laws of the People's Republic of China"
    m = m or _search(r"(?i:govern\w*|constru\w*|interpret\w*|determined)\b[^.;]{0,160}?\b[Ll]aws?\s+of\s+(?:the\s+)?"
                       r"(?:State\s+of\s+|Commonwealth\s+of\s+|Province\s+of\s+)?\[?"
                       r"(?P<law>[A-Z][A-Za-z’'\-]+(?:\s+(?:and\s+Wales|of\s+[A-Z][A-Za-z’'\-]+|[A-Z][A-Za-z’'\-]+))*)", t, folded=ft)
    if m:
        a["governing_law"] = m.group("law")
    if _search(r"arbitra", low):
        a["arbitration"] = True
        for code, pat in _LAW_RULES:
            if _search(pat, t, folded=ft):
                a["arbitration_rules"] = code
                break
        m = _search(r"(?i:(?:seat|place|venue|location)\s+of\s+(?:the\s+)?arbitration\s+(?:shall|will|is)\s+(?:be\s+)?(?:in\s+)?)" + _PLACE, t, folded=ft) \
            or _search(r"(?i:arbitration[^.;]{0,80}(?:seated|held|conducted|take place|located|sit)\s+in\s+)" + _PLACE, t, folded=ft) \
            or _search(r"(?i:seated in\s+|arbitration in\s+)" + _PLACE, t, folded=ft)
        if m:
            a["arbitration_seat"] = m.group("place").strip(" ,.")
    m = _search(r"(?:courts? (?:of|located in|sitting in)|jurisdiction of the courts? (?:of|in))\s+(?:the\s+)?(?:State of\s+)?" + _PLACE, t, folded=ft)
    if m and "exclusive jurisdiction" in low or (m and "submit" in low):
        a["courts"] = m.group("place").strip(" ,.")
    # export control and data protection
    regimes = []
    if _search(r"(?i:export administration regulations)|\bEAR\b", t, folded=ft):
        regimes.append("ear")
    if _search(r"\bITAR\b|international traffic in arms", t, re.I, ft):
        regimes.append("itar")
    if _search(r"dual[\s-]use|2021/821|428/2009", low):
        regimes.append("eu_dual_use")
    if _search(r"\bOFAC\b|sanction", t, folded=ft):
        regimes.append("ofac")
    if not regimes and _search(r"export (?:control|law|regulation|licen)|re-?export", low):
        regimes.append("generic")
    if regimes:
        a["export_regimes"] = regimes
    if _search(r"\bGDPR\b|2016/679|general data protection regulation|data protection (?:law|legislation)", t, re.I, ft):
        a["gdpr"] = True
    if _search(r"article 28|art\.? 28|data processing agreement|processor", low):
        a["processor_terms"] = True
    if _search(r"standard contractual clauses|article 46|art\.? 46|adequacy|binding corporate rules|international data transfer addendum", low):
        a["transfer_mechanism"] = True
    # assignment
    if _search(r"assign|transfer", low):
        if _search(r"(?:without|prior|express)[^.;]{0,40}(?:written )?consent|may not (?:be )?(?:assign|transfer)", low):
            a["assignment_consent"] = True
        if _search(r"change (?:of|in) control|merger|acquisition|controlling interest", low):
            a["change_of_control_covered"] = True
    # joint venture
    if _search(r"contribut|subscri|capital|fund", low):
        mm = _MONEY.search(t)
        if mm and _search(r"contribut|subscri|capital", low):
            a["capital_amount"] = mm.group(0)
        if _search(r"additional (?:capital|funding|contribution)|further funding|capital call|funding request", low):
            a["additional_funding"] = True
    if _search(r"board of (?:directors|managers)|\bdirectors?\b[^.;]{0,40}(?:appoint|nominat)|management committee|steering committee", low):
        a["board"] = True
    if _search(r"reserved matters?|unanimous (?:consent|approval)|(?:prior )?(?:written )?approval of (?:both|all|each) (?:parties|shareholders|partners)|supermajority|super-majority", low):
        a["reserved_matters"] = True
    dl = []
    for key, pat in (("escalation", r"escalat|refer(?:red)? to (?:the )?(?:chief executive|ceo|senior)"), ("mediation", r"mediat"),
                     ("expert", r"expert determination|independent expert"),
                     ("buy_sell", r"russian roulette|texas shoot|shotgun|buy[\s-]sell|buy[\s-]out notice"),
                     ("put_call", r"put option|call option|\bput\b[^.;]{0,20}\bcall\b"), ("casting_vote", r"casting vote"),
                     ("dissolution", r"dissol|wind(?:ing)?[\s-]up|liquidat"), ("arbitration", r"arbitra")):
        if "deadlock" in low and _search(pat, low):
            dl.append(key)
    if dl:
        a["deadlock_mechanisms"] = dl
    tr = []
    for key, pat in (("rofr", r"right of first refusal|\brofr\b|pre-?emption"), ("rofo", r"right of first offer|\brofo\b"),
                     ("tag_along", r"tag[\s-]along|co-?sale"), ("drag_along", r"drag[\s-]along|bring[\s-]along"),
                     ("lock_up", r"lock[\s-]?up|shall not[^.;]{0,40}transfer[^.;]{0,60}(?:before|prior to|during|period)"),
                     ("consent", r"(?:transfer|dispose)[^.;]{0,80}(?:without|prior)[^.;]{0,30}consent")):
        if _search(pat, low):
            tr.append(key)
    if tr:
        a["transfer_rights"] = tr
    ex = []
    for key, pat in (("dissolution", r"dissol|wind(?:ing)?[\s-]up|liquidat"), ("buy_out", r"buy[\s-]?out|purchase (?:all|the) (?:of the )?(?:shares|interest)"),
                     ("put_call", r"put option|call option"), ("ipo", r"initial public offering|\bipo\b|listing"),
                     ("trade_sale", r"trade sale|sale of (?:the )?(?:company|business)")):
        if _search(pat, low):
            ex.append(key)
    if ex and _search(r"exit|terminat|dissol|wind|withdraw", low):
        a["exit_routes"] = ex
    if _search(r"(?:intellectual property|\bip\b|technology|know-how)[^.]{0,200}(?:terminat|dissol|wind|exit|withdraw)|"
                 r"(?:terminat|dissol|wind|exit|withdraw)[^.]{0,200}(?:intellectual property|\bip\b|technology|know-how)", low):
        a["ip_on_exit"] = True
