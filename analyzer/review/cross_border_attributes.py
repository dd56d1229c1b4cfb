"""Attributes for cross-border rules (jurisdiction overlays) and brand licences, read with rules.

``CrossBorderAttributes`` holds what a clause states about PRC and foreign export control and
sanctions, approvals and registration of technology transfer contracts, PRC data-export
mechanisms, withholding tax and remittance, SEP/FRAND terms, employee inventions, restrictive
licence terms and trademark-licence terms. ``read_cross_border(text, low, ctx, out)`` adds the
attributes one piece of text (a sentence or a clause) states to ``out``; each is True when the
text states it and left unset otherwise, so that "the first span that states it" wins when a
clause is read span by span (``analyzer.review.attributes.extract_attributes``).

The rules read plain English drafting, one sentence at a time, as the other attribute rules do.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict


class CrossBorderAttributes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # export control, sanctions, approvals
    prc_export_control: bool | None = None      # names PRC export-control or technology import/export law
    foreign_sanctions: bool | None = None       # names US or EU export-control or sanctions rules
    blocking_rules: bool | None = None          # regard for blocking rules / no duty to breach one's own law
    transfer_licence_cp: bool | None = None     # a technology export/import licence is a condition of effect
    contract_registration: bool | None = None   # registration of the technology import/export contract
    security_review: bool | None = None         # security review of an IP transfer to a foreign party
    deemed_export: bool | None = None           # release of technology to foreign nationals
    prc_law_chosen: bool | None = None          # the governing law is PRC law
    # data
    pipl: bool | None = None                    # PIPL / Data Security Law transfer mechanism
    # money
    withholding_tax: bool | None = None
    tax_gross_up: bool | None = None
    treaty_relief: bool | None = None
    fx_remittance: bool | None = None           # bank, foreign-exchange or tax formalities of remittance
    # standard-essential patents
    frand: bool | None = None
    royalty_base: bool | None = None
    rate_setting: bool | None = None            # what happens when a court or tribunal sets a rate
    anti_suit: bool | None = None               # anti-suit injunctions addressed
    # employee and contractor inventions
    service_inventions: bool | None = None
    inventor_reward: bool | None = None
    contractor_chain: bool | None = None
    # restrictive licence terms
    improvement_bar: bool | None = None         # the licensee may not improve or further develop
    infringement_allocated: bool | None = None  # who bears third-party infringement by the licensee's use
    passive_sales_ban: bool | None = None       # sales outside the territory banned, passive sales included
    tying: bool | None = None                   # the licensee must buy goods or services from the licensor
    # trademark licences
    quality_control: bool | None = None
    licence_recordal: bool | None = None
    domain_names: bool | None = None
    social_media: bool | None = None
    goodwill_to_licensor: bool | None = None
    sell_off: bool | None = None
    sales_channels: bool | None = None
    mark_registration_bar: bool | None = None   # the licensee may not register the marks or similar ones


CROSS_BORDER_ATTRIBUTES: frozenset[str] = frozenset(CrossBorderAttributes.model_fields)


def _rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern:
    return re.compile(pattern, flags)


_PRC_EXPORT = _rx(r"export control law of the people'?s republic|\bprc export control|\bchinese export control"
                  r"|technology import and export administration|administration of technology import and export"
                  r"|catalogue of technologies prohibited or restricted|\bmofcom\b|ministry of commerce of the (?:people'?s republic of china|prc)"
                  r"|export control laws? of (?:the )?(?:people'?s republic of china|prc|china)")
_FOREIGN_SANCTIONS = _rx(r"\bEAR\b|\bOFAC\b|\bITAR\b|\bBIS\b", 0)
_FOREIGN_SANCTIONS_WORDS = _rx(r"export administration regulations|office of foreign assets control|international traffic in arms"
                               r"|(?:united states|u\.s\.|us|american|european union|eu)\s+(?:export|sanctions?|restrictive measures|trade control)"
                               r"|2021/821|specially designated nationals|entity list")
_BLOCKING = _rx(r"anti-?foreign sanctions law|blocking (?:rules|statute|regulation)|2271/96|unreliable entit"
                r"|extra-?territorial application|counteract\w*[^.;]{0,40}foreign (?:legislation|sanctions)"
                r"|(?:\bnot\b|\bnever\b|\bno party (?:is|shall be)|\bneither party (?:is|shall be))\s+(?:be\s+)?(?:required|obliged|obligated)\s+to\b"
                r"[^.;]{0,160}(?:breach|violat|contraven|infring|penal|unlawful)[^.;]{0,80}(?:laws?|regulations?|jurisdiction)"
                r"|\bnothing in\b[^.;]{0,60}(?:requires?|obliges?)[^.;]{0,160}(?:breach|violat|contraven|penal|unlawful)")
_CP = _rx(r"conditions? precedent|(?:shall|will|does) not (?:come into|take|enter into) (?:force|effect)"
          r"|(?:comes?|take|takes|enter|enters) into (?:force|effect)[^.;]{0,60}\b(?:on|upon|from|when|after)\b"
          r"|\btakes? effect (?:only )?(?:on|upon|from|when|after)\b"
          r"|(?:become|becomes|be) effective (?:only )?(?:on|upon|from|when|after)|effective (?:up)?on the (?:date of )?(?:issu|grant)")
_TRANSFER_LICENCE = _rx(r"technology (?:export|import) licen[cs]e|(?:export|import) licen[cs]e for (?:the )?technolog"
                        r"|licen[cs]e for the (?:export|import) of (?:the )?technolog|(?:export|import) (?:approval|authori[sz]ation|permit)"
                        r"|approval[^.;]{0,80}(?:ministry of commerce|mofcom|competent commerce authorit)")
_REGISTRATION = _rx(r"\bregist\w*[^.;]{0,140}(?:technology (?:export|import)|(?:export|import) of (?:the )?technolog"
                    r"|commerce (?:authorit|department|bureau)|\bmofcom\b|ministry of commerce)"
                    r"|(?:technology (?:export|import) contract|(?:export|import) of (?:the )?technolog)[^.;]{0,140}\bregist")
_SECURITY_REVIEW = _rx(r"security review|review of (?:the )?(?:transfer|assignment) of (?:the )?(?:intellectual property|patent)"
                       r"|transfer of intellectual property rights? to (?:a )?foreign|(?:intellectual property|ip) transfers? to foreign")
_DEEMED = _rx(r"deemed (?:export|re-?export)|releas\w*[^.;]{0,100}(?:foreign nationals?|foreign persons?|non-u\.?s\.? persons?)"
              r"|foreign nationals?[^.;]{0,100}(?:access|releas)")
_PRC_LAW = _rx(r"(?:governed by|construed (?:in accordance with|under)|subject to|interpreted (?:in accordance with|under))"
               r"[^.;]{0,80}?\blaws? of (?:the )?(?:people'?s republic of china|p\.?r\.?c\b|china\b|mainland china)"
               r"|(?:governed by|subject to) (?:the )?(?:prc|chinese) law")
_PIPL = _rx(r"personal information protection law|\bpipl\b|cyberspace administration|data security law"
            r"|security assessment[^.;]{0,60}(?:outbound|cross-border|data)|standard contract for (?:the )?(?:outbound|cross-border)"
            r"|outbound (?:transfer|provision) of personal information|important data")
_WITHHOLDING = _rx(r"withh(?:o|e)ld\w*[^.;]{0,80}\btax|\btax\w*[^.;]{0,80}withh(?:o|e)ld|deduct\w*[^.;]{0,60}\btax(?:es)? (?:required|imposed|levied)")
_GROSS_UP = _rx(r"gross(?:ed)?[\s-]up|additional amounts?[^.;]{0,100}(?:necessary|required)[^.;]{0,100}(?:net|equal|would have)"
                r"|(?:net|full) amount[^.;]{0,100}(?:as if|would have (?:received|been)|had no)")
_TREATY = _rx(r"(?:double )?tax(?:ation)? (?:treaty|treaties|convention|arrangement|agreement)|treaty (?:rate|benefit|relief)|tax credit"
              r"|certificate of (?:tax )?residen|tax residen\w* certificate|form w-8")
_FX = _rx(r"foreign exchange|state administration of foreign exchange|remit\w*[^.;]{0,120}(?:bank|approval|registration|filing|formalit)"
          r"|(?:bank|registration|filing|formalit)\w*[^.;]{0,120}remit|tax record[\s-]?filing|outbound payment")
_FX_CASE = _rx(r"\bSAFE\b", 0)
_FRAND = _rx(r"\bfrand\b|fair,? reasonable,? and non-?discriminatory|\brand\b (?:terms|commitment|undertaking)")
_ROYALTY_BASE = _rx(r"royalty base|smallest saleable|(?:percent|%) of (?:the )?(?:net (?:sales|selling price|revenue)|gross|(?:average )?(?:net )?selling price)"
                    r"|per[\s-](?:unit|device|handset|licensed product) royalt|royalt(?:y|ies)[^.;]{0,60}\bper (?:unit|device|handset|licensed product)"
                    r"|calculated (?:on|by reference to|as a percentage of)[^.;]{0,40}(?:net (?:selling price|sales)|price|end[\s-]product|(?:each|per) unit)")
_RATE_SETTING = _rx(r"(?:court|tribunal|arbitrat\w*)[^.;]{0,140}(?:determin|sets?\b|fix|assess)\w*[^.;]{0,80}(?:rate|royalt|terms)"
                    r"|(?:rate|royalt\w*|terms)[^.;]{0,80}(?:determined|set|fixed|assessed) by (?:a |any |the )?(?:court|tribunal|arbitra)")
_ANTI_SUIT = _rx(r"anti-?suit|(?:shall not|not to|will not|may not)\s+(?:\w+\s+){0,2}(?:seek|apply for|request|obtain)[^.;]{0,80}"
                 r"(?:injunction|order)[^.;]{0,120}(?:restrain|prevent|enjoin|prohibit)")
_SERVICE_INV = _rx(r"service inventions?|employee inventions?|employment inventions?|job[\s-]related inventions?"
                   r"|inventions?[^.;]{0,40}(?:made|created|developed|conceived) by (?:its |their |the )?(?:employees|staff|personnel)"
                   r"|(?:employees|staff|personnel)\b[^.;]{0,100}\b(?:assign\w*|vest\w*|own\w*)\b[^.;]{0,100}\binventions?")
_REWARD = _rx(r"(?:reward|remuneration)[^.;]{0,100}\binventors?|\binventors?[^.;]{0,100}(?:reward|remuneration)")
_CONTRACTOR = _rx(r"(?:contractors?|consultants?|subcontractors?|commissioned (?:party|developer|work))\b[^.;]{0,140}"
                  r"\b(?:assign\w*|vest\w*|title|own\w*|written (?:assignment|agreement))\b"
                  r"|\b(?:assign\w*|title|own\w*)\b[^.;]{0,140}\b(?:contractors?|consultants?|subcontractors?)\b")
_IMPROVEMENT_BAR = _rx(r"(?:shall|will|may) not\b[^.;]{0,60}\b(?:modify|improve|adapt|further develop"
                       r"|(?:develop|make|create) (?:any )?(?:improvements?|modifications?|derivative)|conduct (?:any )?research)"
                       r"[^.;]{0,100}(?:licensed|technology|know-how|patent|products?|software)"
                       r"|(?:prohibit\w*|restrict\w*|barred|precluded)\b[^.;]{0,60}\b(?:from )?(?:improv|modif|further develop|research and development)")
_INFRINGE = _rx(r"infring")
_ALLOCATE = _rx(r"indemn|hold harmless|\bliab|responsib|\brisk\b|\bbear|article 874")
_THIRD = _rx(r"third[\s-]part|\bothers\b|any person|article 874")
_PASSIVE_BAN = _rx(r"(?:shall|will|may|must) not\b[^.;]{0,80}\b(?:passive(?:ly)?|unsolicited)\b"
                  r"|\b(?:passive(?:ly)?|unsolicited)\b[^.;]{0,60}(?:are|is|shall be|will be) (?:prohibited|not permitted|forbidden|restricted)"
                  r"|(?:prohibit\w*|restrict\w*|refrain\w* from|refuse\w*)\b[^.;]{0,60}\b(?:passive(?:ly)?|unsolicited)\b")
_NOTHING_RESTRICTS = _rx(r"\bnothing\b[^.;]{0,80}(?:restrict|prevent|prohibit|limit)")
_OUTSIDE = _rx(r"(?:shall|will|may) not\b[^.;]{0,60}\b(?:sell|supply|distribute|market|export)\w*[^.;]{0,120}"
               r"(?:outside (?:of )?(?:the )?(?:licensed )?territory|to (?:any )?customers? (?:located |established |based )?outside"
               r"|into (?:any |the )?(?:territor(?:y|ies)|countr(?:y|ies)) (?:of|allocated to|reserved (?:to|for)|granted to) (?:any )?other licensees?)")
_ACTIVE = _rx(r"\bactive(?:ly)?\b")
_TYING = _rx(r"(?:shall|must|agrees? to|is required to)\s+(?:\w+\s+){0,2}(?:purchase|buy|acquire|obtain|source)\b[^.;]{0,120}"
             r"\b(?:exclusively |solely |only )?from\s+(?P<w>[^.;,]{0,50})"
             r"|as a condition of[^.;]{0,60}licen[cs]e[^.;]{0,80}(?:purchase|buy|acquire)")
_QUALITY = _rx(r"quality (?:control|standards?|requirements?|specifications?)|inspect\w*[^.;]{0,80}(?:samples?|premises|facilit|products?|goods)"
               r"|(?:submit|provide|deliver)\w*[^.;]{0,60}\bsamples?\b|approv\w*[^.;]{0,40}(?:samples?|packaging|advertising|marketing materials)")
_RECORDAL = _rx(r"\brecordal\b|\brecordation\b|(?:record|recorded|register|registered|file|filed)\b[^.;]{0,60}\blicen[cs]e\b[^.;]{0,80}"
                r"(?:trade ?marks? office|cnipa|uspto|euipo|registr(?:y|ar)|intellectual property office|trade ?mark register|national office|competent (?:authorit|office))"
                r"|licen[cs]e\b[^.;]{0,80}(?:recorded|registered|filed) with|registered user")
_DOMAIN = _rx(r"domain names?")
_SOCIAL = _rx(r"social[\s-]media|social network|\bwechat\b|\bweibo\b|\bdouyin\b|\btiktok\b|\binstagram\b|\bfacebook\b"
              r"|online (?:store|shop)s? accounts?|(?:user ?names?|handles)\b")
_GOODWILL = _rx(r"goodwill[^.;]{0,140}(?:inure|enure|accrue|belong|vest)\w*[^.;]{0,80}(?:licensor|owner|proprietor|benefit of)")
_SELL_OFF = _rx(r"sell[\s-]?off|(?:sell|dispose of|deplete|run down|exhaust)\b[^.;]{0,80}(?:remaining )?(?:stock|inventory)"
                r"|(?:stock|inventory)\b[^.;]{0,140}(?:sell|sold|dispose|repurchase|buy back|destroy|deliver up)")
_CHANNELS = _rx(r"(?:sales|distribution|retail|online|e-?commerce|trade) channels?|channels? of (?:trade|distribution|sale)"
                r"|(?:online|internet|e-?commerce|marketplace|retail stores?|department stores?)[^.;]{0,60}(?:sell|sale|distribut)")
_REG_BAR = _rx(r"(?:shall|will|may) not\b[^.;]{0,60}\b(?:apply (?:for|to register)|register|file|seek (?:the )?registration)[^.;]{0,120}"
               r"(?:marks?|trade ?marks?|trade names?|domain names?|confusingly similar|logos?)")


def _names_licensor(fragment: str, ctx) -> bool:
    f = fragment.lower()
    if "licensor" in f:
        return True
    roles = getattr(ctx, "roles", {}) or {}
    return any(role == "licensor" and re.search(r"\b" + re.escape(name) + r"\b", f) for name, role in roles.items())


# Words without which a test cannot match: a test runs only when the text holds one of its
# words, so that most sentences skip most patterns. Lower-case words are looked for in the
# lower-cased text, with the two characters that IGNORECASE matches to an ASCII letter but
# ``str.lower`` keeps ("ı", "ſ") folded first; upper-case words (for the case-sensitive
# patterns) are looked for in the text as written.
_FOLD = {0x131: "i", 0x17F: "s"}
_NOT = ("shall not", "will not", "may not")
_TESTS: list[tuple[str, tuple[str, ...], object]] = [
    ("prc_export_control", ("export control", "import and export", "catalogue of technologies", "mofcom",
                            "ministry of commerce"), lambda t, low, w: _PRC_EXPORT.search(low)),
    ("foreign_sanctions", ("export", "sanction", "restrictive measures", "trade control", "2021/821", "foreign assets",
                           "traffic in arms", "designated nationals", "entity list"),
     lambda t, low, w: _FOREIGN_SANCTIONS_WORDS.search(low)),
    ("foreign_sanctions", ("EAR", "OFAC", "ITAR", "BIS"), lambda t, low, w: _FOREIGN_SANCTIONS.search(t)),
    ("blocking_rules", ("sanctions law", "blocking", "2271/96", "unreliable entit", "territorial application",
                        "counteract", "require", "oblig"), lambda t, low, w: _BLOCKING.search(low)),
    ("transfer_licence_cp", ("export", "import", "approval"),
     lambda t, low, w: _TRANSFER_LICENCE.search(low) and _CP.search(low)),
    ("contract_registration", ("regist",), lambda t, low, w: _REGISTRATION.search(low)),
    ("security_review", ("review", "transfer"), lambda t, low, w: _SECURITY_REVIEW.search(low)),
    ("deemed_export", ("deemed", "releas", "foreign national"), lambda t, low, w: _DEEMED.search(low)),
    ("prc_law_chosen", ("law",), lambda t, low, w: _PRC_LAW.search(low)),
    ("pipl", ("personal information", "pipl", "cyberspace", "data security", "security assessment", "standard contract",
              "important data"), lambda t, low, w: _PIPL.search(low)),
    ("withholding_tax", ("tax",), lambda t, low, w: ("withh" in w or "deduct" in w) and _WITHHOLDING.search(low)),
    ("tax_gross_up", ("gross", "amount"), lambda t, low, w: _GROSS_UP.search(low)),
    ("treaty_relief", ("tax", "treaty", "residen", "w-8"), lambda t, low, w: _TREATY.search(low)),
    ("fx_remittance", ("foreign exchange", "remit", "tax record", "outbound payment"), lambda t, low, w: _FX.search(low)),
    ("fx_remittance", ("SAFE",), lambda t, low, w: _FX_CASE.search(t)),
    ("frand", ("rand", "reasonable"), lambda t, low, w: _FRAND.search(low)),
    ("royalty_base", ("royalt", "saleable", "percent", "%", "calculated"), lambda t, low, w: _ROYALTY_BASE.search(low)),
    ("rate_setting", ("court", "tribunal", "arbitra"), lambda t, low, w: _RATE_SETTING.search(low)),
    ("anti_suit", ("suit", "injunction", "order"), lambda t, low, w: _ANTI_SUIT.search(low)),
    ("service_inventions", ("invention",), lambda t, low, w: _SERVICE_INV.search(low)),
    ("inventor_reward", ("inventor",), lambda t, low, w: ("reward" in w or "remuneration" in w) and _REWARD.search(low)),
    ("contractor_chain", ("contractor", "consultant", "commissioned"), lambda t, low, w: _CONTRACTOR.search(low)),
    ("improvement_bar", _NOT + ("prohibit", "restrict", "barred", "precluded"), lambda t, low, w: _IMPROVEMENT_BAR.search(low)),
    ("infringement_allocated", ("infring",), lambda t, low, w: _INFRINGE.search(low) and _ALLOCATE.search(low) and _THIRD.search(low)),
    ("passive_sales_ban", _NOT + ("passive", "unsolicited"),
     lambda t, low, w: not _NOTHING_RESTRICTS.search(low)
     and (_PASSIVE_BAN.search(low) or (_OUTSIDE.search(low) and not _ACTIVE.search(low)))),
    ("quality_control", ("quality", "inspect", "sample", "approv"), lambda t, low, w: _QUALITY.search(low)),
    ("licence_recordal", ("record", "licen", "registered user"), lambda t, low, w: _RECORDAL.search(low)),
    ("domain_names", ("domain name",), lambda t, low, w: _DOMAIN.search(low)),
    ("social_media", ("social", "wechat", "weibo", "douyin", "tiktok", "instagram", "facebook", "account", "user",
                      "handles"), lambda t, low, w: _SOCIAL.search(low)),
    ("goodwill_to_licensor", ("goodwill",), lambda t, low, w: _GOODWILL.search(low)),
    ("sell_off", ("sell", "stock", "inventory"), lambda t, low, w: _SELL_OFF.search(low)),
    ("sales_channels", ("channel", "sell", "sale", "distribut"), lambda t, low, w: _CHANNELS.search(low)),
    ("mark_registration_bar", _NOT, lambda t, low, w: _REG_BAR.search(low)),
]
_TYING_WORDS = ("purchase", "buy", "acquire", "obtain", "source")


def read_cross_border(t: str, low: str, ctx, a: dict) -> None:
    """Add to ``a`` the cross-border and brand-licence attributes that ``t`` (lower-cased ``low``) states."""
    words = low if low.isascii() else low.translate(_FOLD)
    for name, keys, test in _TESTS:
        if a.get(name) is True:
            continue
        if any(k in (t if k.isupper() else words) for k in keys) and test(t, low, words):
            a[name] = True
    if any(k in words for k in _TYING_WORDS):
        m = _TYING.search(low)
        if m and (m.group("w") is None or _names_licensor(m.group("w"), ctx)):
            a["tying"] = True
