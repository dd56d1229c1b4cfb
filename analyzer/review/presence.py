"""Is a clause of category X in the contract, and where is its evidence?

Three signals, any one of which is enough:

1. a flagged classifier label of the category (the evidence sentences);
2. a clause whose heading names the category ("Confidentiality", "Field of Use")
   and whose body says something of that kind (a heading left over a deleted
   or empty body does not count);
3. a sentence anywhere with a phrase that only that kind of clause uses
   ("governed by the laws of", "right of first refusal").

Using headings and phrases besides the classifier keeps false "missing"
findings rare when the classifier misses a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from analyzer.core.cjk import has_cjk, language_of
from analyzer.core.headings import is_document_title
from analyzer.core.span_index import Covered, SpanIndex
from analyzer.structure.clause_index import ClauseIndex
from analyzer.structure.clause_numbers import roman_to_int
from analyzer.structure.headings import HeadingIndex, Section, body_start

# category -> (heading pattern, body pattern a heading-matched clause must contain)
HEADINGS: dict[str, tuple[str, str]] = {
    "license_grant": (r"\bgrant|^licen[cs]es?$|licen[cs]e rights|rights granted|scope of (?:the )?licen|^licen[cs]e$", r"licen[cs]|right to (?:use|make|sell)"),
    "field_of_use": (r"field of use|^(?:licensed )?field$", r"field"),
    "territory": (r"territor", r"territor|countr|worldwide|world"),
    "exclusivity": (r"exclusiv", r"exclusiv"),
    "sublicensing": (r"sub-?licen", r"sub-?licen"),
    "improvements": (r"improvement|grant[\s-]?back|enhancement|developments|derivative", r"improv|enhanc|modif|develop|derivativ"),
    "confidentiality": (r"confiden|non-?disclosure|secrecy|proprietary information", r"confiden|disclos|secre"),
    "ip_ownership_assignment": (r"ownership(?! of (?:the )?(?:\w+ ){0,3}(?:equipment|shares|stock|units|premises|assets|vehicles?|inventory|goods|hardware)\b)"
                                r"|^title|intellectual property|\bip\b|proprietary rights|results|foreground|background",
                                r"\bown|\btitle\b(?!\s*:)|\bvest|\bassign"),
    "joint_ip_ownership": (r"joint(?:ly)?[\s-]own|joint (?:ip|intellectual property|inventions)", r"joint"),
    "patent_prosecution_maintenance": (r"prosecution|patent maintenance|maintenance of (?:the )?(?:licensed )?patents|patent (?:filing|matters|applications)|filing of patents",
                                       r"patent|prosecut|maint"),
    "ip_enforcement": (r"enforcement|infringement|third[- ]party (?:claims|infringement)|defen[cs]e of", r"infring|enforc"),
    "no_challenge": (r"no[\s-]challenge|challenge|contest", r"challeng|contest|oppos|validity"),
    "royalties_payment": (r"royalt|payment|fees|consideration|compensation|financial terms|commercial terms|exploitation", r"royalt|pay|fee|\$|€|£|percent|%"),
    "audit_rights": (r"audit|records|books|inspection|reports", r"audit|inspect|examin|records"),
    "term": (r"^term\b|\bterm$|^term and|duration|commencement",
             r"\bterm\b|commenc|(?:shall|will) (?:expire|remain in)|\byears?\b|\bmonths?\b|perpetu|effective (?:date|until|as of)"),
    "termination_for_cause": (r"^(?!.*(?:effects?|consequences?) of (?:termination|expir))(?!.*(?:up)?on (?:termination|expir)).*(?:terminat|default|breach)",
                              r"breach|default|insolv|bankrupt|liquidat|receiver|misconduct|fraud|fail|delinquen|violat"),
    "termination_for_convenience": (r"terminat", r"convenience|any reason|without cause"),
    "post_termination_services": (r"effect of (?:termination|expir)|consequences of (?:termination|expir)|post[\s-]termination|(?:up)?on (?:termination|expir)|sell[\s-]off|wind[\s-]down|rights (?:and obligations )?after",
                                  r"terminat|expir"),
    "warranty": (r"warrant|representations", r"warrant|represent"),
    "indemnification": (r"indemn", r"indemn|defend|hold harmless"),
    "limitation_of_liability": (r"liabilit|limitation of damages|damages", r"liab|damages"),
    "cap_on_liability": (r"liabilit", r"exceed|limited to|cap|maximum|aggregate"),
    "uncapped_liability": (r"unlimited liability", r"liab"),
    "governing_law": (r"governing law|applicable law|choice of law|law and jurisdiction|^law$", r"laws? of|govern|constru|interpret"),
    "dispute_resolution": (r"dispute|arbitrat|jurisdiction|\bvenue|mediat", r"arbitra|court|dispute|jurisdiction|mediat"),
    "export_control": (r"export|sanction|trade control", r"export|sanction|control"),
    "data_protection": (r"data protection|privacy|personal data|personal information|gdpr", r"data|privacy|personal"),
    "anti_assignment": (r"assign(?!s\b)|^transfer(?:s|ability)?\b(?! of (?!(?:this |the )?(?:agreement|rights?|interests?)\b))",
                        # a transfer of shares or goods is not an assignment of the agreement
                        r"assign|transfer\w*\b[^.]{0,60}\b(?:agreement|rights?|obligations?|licen[cs]e|interests? (?:in|under))"),
    "change_of_control": (r"change (?:of|in) control", r"control"),
    "force_majeure": (r"force majeure", r"force majeure|beyond (?:its|the) (?:reasonable )?control"),
    "technology_transfer_know_how": (r"know[\s-]?how|technology transfer|technical assistance|technical information|transfer of technology", r"know|technical|assist|transfer|document"),
    "insurance": (r"insurance", r"insur"),
    "capital_contribution": (r"capital|contribution|funding|financing|subscription", r"capital|contribut|fund|subscri"),
    "governance": (r"governance|board|management|directors|meetings|reserved matters", r"board|director|manage|vote|meeting"),
    "deadlock": (r"deadlock", r"deadlock"),
    "transfer_restrictions": (r"transfer of (?:shares|interests?)|share transfer|transfer restriction|restrictions? on transfer|dealings? in shares|pre-?emption|first refusal|tag[\s-]along|drag[\s-]along",
                              r"transfer|sell|dispose|refusal|tag|drag"),
    "exit_dissolution": (r"exit|dissolution|winding[\s-]up|liquidation|termination of (?:the )?(?:joint venture|company)", r"dissol|wind|liquidat|exit|terminat|withdraw"),
    "rofr_rofo_rofn": (r"first refusal|first offer|first negotiation|pre-?emption", r"first|refusal|offer"),
    "non_compete": (r"non[\s-]?compet|restrictive covenant", r"compet"),
    "standards_frand": (r"frand|standard essential|standardi[sz]ation", r"frand|standard"),
    "liquidated_damages": (r"liquidated damages", r"liquidated"),
    "source_code_escrow": (r"escrow", r"escrow"),
    "most_favored_nation": (r"most favou?red", r"favou?r"),
    "non_disparagement": (r"disparag", r"disparag"),
    "covenant_not_to_sue": (r"covenant not to sue", r"sue"),
    "third_party_beneficiary": (r"third[\s-]party beneficiar", r"beneficiar"),
    "revenue_profit_sharing": (r"profit|revenue shar", r"profit|revenue"),
    "minimum_commitment": (r"minimum", r"minimum"),
}

# category -> phrase that by itself shows a clause of that kind (checked per sentence)
PHRASES: dict[str, str] = {
    "license_grant": r"hereby grants?\b(?:[^.]|\.\d){0,200}\blicen[cs]es?\b|\bgrants? to (?:[^.]|\.\d){0,80}\b(?:a|an|the)\b(?:[^.]|\.\d){0,120}\blicen[cs]es?\b"
                     r"|\b(?:right and )?licen[cs]e (?:and right )?to (?:use|make|sell|exploit|reproduce|distribute|display|manufacture|practi[cs]e)\b"
                     r"|\b(?:is|are|shall be) (?:hereby )?granted (?:a|an|the)\b[^.]{0,80}\blicen[cs]e"
                     r"|\bgrants?\b[^.]{0,80}\b(?:the|an?)\s+(?:(?:sole|exclusive|non-?exclusive|irrevocable|perpetual|worldwide)[\s,]+(?:and\s+)?)*rights?\s+to\s+"
                     r"(?:use|make|have made|manufacture|sell|distribute|market|exploit|reproduce|practi[cs]e)\b",
    "field_of_use": r"\bfield of use\b|[\"“]field[\"”]|\bin the field of\b|\blicensed field\b",
    "territory": r"[\"“](?:licensed )?territory[\"”]|\bin the territory\b|\bworld[\s-]?wide\b[^.]{0,60}licen[cs]e|licen[cs]e[^.]{0,120}\bworld[\s-]?wide\b|throughout the world",
    "sublicensing": r"\b(?:right to|may|shall not|will not|may not|entitled to)\s+(?:\w+\s+){0,3}sub-?licen[cs]|\bsub-?licen[cs]able\b|\bsub-?licen[cs]e[sd]?\b[^.]{0,80}\b(?:permitted|consent|right)",
    "improvements": r"\bimprovements?\b[^.]{0,160}\b(?:own|vest|property|grant|assign|licen[cs]e|disclose)|\bgrant[\s-]?back\b"
                    r"|\bderivative works?\b[^.]{0,160}\b(?:own|vest|property|grant|assign|licen[cs]e)",
    "confidentiality": r"\b(?:each party|either party|neither party|the parties|recipient|receiving party|licensee|licensor|it)\b[^.]{0,60}\b(?:shall|will|agrees? to|must)\b[^.]{0,40}\b(?:keep|hold|maintain|treat)\b[^.]{0,80}\b(?:in (?:strict )?confidence|(?:as |strictly )?confidential)"
                       r"|\b(?:shall|will|agrees?)\s+not\s+(?:to\s+)?(?:use or )?disclose\b[^.]{0,80}\bconfidential information (?:of|received from|belonging to|disclosed by) the other",
    "patent_prosecution_maintenance": r"\bprosecut\w* (?:and|or) maint|\bpatent prosecution\b|\bprosecut\w*[^.]{0,60}\bpatent applications?|\bfil\w*[^.]{0,40}\bpatent applications?"
                                      r"|maintenance fees|\bannuit(?:y|ies)\b|\bmaintain[^.]{0,40}\bpatents?\b"
                                      r"|\bregistration of the (?:licensed )?(?:marks?|trademarks?)\b|\bmaintain\w*[^.]{0,60}\b(?:trademark |mark )?registrations?\b"
                                      r"|\b(?:file|apply|register)\w*\s+(?:for\s+)?(?:or\s+register\s+)?(?:any\s+)?(?:patents?|trademarks?)\b",
    "ip_enforcement": r"\b(?:protect|enforce)\b[^.]{0,40}\benforce\b[^.]{0,80}\brights\b|\binfring\w*[^.]{0,160}\b(?:enforce|institute|bring (?:an )?(?:action|suit|proceeding)|take (?:legal )?action)|\benforce\w*[^.]{0,80}\b(?:patents?|intellectual property)\b[^.]{0,80}\bagainst",
    "no_challenge": r"(?:not|never)\s+(?:directly or indirectly\s+)?(?:challenge|contest|oppose|attack)\b[^.]{0,80}\b(?:validity|patent|enforceab)|\bno[\s-]challenge\b",
    "royalties_payment": r"\broyalt(?:y|ies)\b[^.]{0,120}\b(?:pay|percent|%|rate)|\bpay\b[^.]{0,80}\broyalt"
                         r"|\b(?:service|licen[cs]e|annual|monthly|quarterly|subscription|technology|consulting)\s+fees?\b[^.]{0,120}\b(?:pay|charge|equal|amount|invoice)"
                         r"|\b(?:shall|will|agrees? to)\s+pay\b[^.]{0,80}\b(?:fees?|price|sum of|\$|US\$|USD|RMB)"
                         r"|\broyalty[\s-]free\b|\bfully[\s-]paid[\s-]up\b",
    "audit_rights": r"\baudit\b|\b(?:visit|inspect)\w*\s+(?:the\s+|its\s+)?(?:\w+\s+){0,2}facilit|\binspect\w*[^.]{0,60}\b(?:books|records)|\bexamin\w*[^.]{0,60}\b(?:books|records)",
    "term": r"\bterm of this agreement (?:shall|will) (?:\w+ )?(?:be|commence|begin|continue|expire|become effective|end)\b|this agreement (?:shall|will) (?:expire|(?:remain|continue) in (?:full )?(?:force|effect)"
            r"|(?:commence|become effective|take effect)(?=[^.]{0,250}\b(?:until|years?|months?|expir\w*|terminat\w*|continu\w*|period|perpetu\w*)\b))"
            r"|(?:shall|will) (?:be|remain|continue) in (?:full )?(?:force|effect)(?: and effect)? (?:for|until|through)"
            r"|\binitial term (?:of (?:this agreement )?(?:shall|will|is)|of (?:\(?\d|one|two|three|four|five|six|seven|eight|nine|ten)|shall|will|is)\b"
            r"|\b(?:licen[cs]e|agreement|initial)\s+term\b[\s:]{0,3}(?:perpetual|\(?\d|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    "termination_for_cause": r"(?:may|right to|entitled to|shall|will)\s+(?:\w+\s+){0,3}terminat\w*[^.]{0,200}\b(?:breach|default|insolven|bankrupt|receiver|liquidat)"
                             r"|(?:breach|default|insolven|bankrupt)\w*[^.]{0,200}\b(?:may|right to|entitled to)\s+(?:\w+\s+){0,3}terminat",
    "termination_for_convenience": r"terminat\w*[^.]{0,120}\b(?:for convenience|for any (?:or no )?reason|without cause)",
    "post_termination_services": r"\b(?:termination|expiration|expiry)\b[^.]{0,120}\b(?:shall not (?:affect|relieve|prejudice)|(?:shall be )?without prejudice to)\b[^.]{0,160}\b(?:accru\w*|liabilit\w*)"
                                 r"|(?:upon|following|after|on|in the event of)\s+(?:the\s+|any\s+|a\s+|such\s+)?(?:\w+\s+){0,2}(?:termination|expiration|expiry)\b(?:[^.]|\.\d){0,250}"
                                 r"\b(?:sell|return|destroy|cease|continue|wind|revert|transition|shall apply|sell[\s-]off|inventory)",
    "warranty": r"\brepresents and warrants\b|\bwarrants (?:to|that)\b|\bdisclaims?\b[^.]{0,80}\bwarrant",
    "indemnification": r"\b(?:shall|will|agrees? to|hereby)\s+(?:\w+\s+){0,3}(?:indemnify|defend)\b|\bhold\b[^.]{0,120}\bharmless\b",
    "limitation_of_liability": r"in no event shall[^.]{0,120}\bliab|\b(?:shall|will) (?:have|bear|incur) no liability\b|\bhaving no liability\b|\bliab\w*[^.]{0,80}\b(?:shall not exceed|limited to)|\baggregate liability\b"
                               r"|\b(?:not be|no|neither party (?:shall|will) be) (?:liable|responsible)\b[^.]{0,120}\bindirect (?:loss|damage)"
                               r"|\bconsequential (?:or \w+ )?damages\b|\b(?:shall|will) not be liable\b[^.]{0,120}\b(?:indirect|incidental|consequential|punitive|exemplary)\b",
    "cap_on_liability": r"\bliab\w*[^.]{0,120}\b(?:shall not exceed|not to exceed|limited to)|\baggregate liability\b",
    "governing_law": r"governed by\b[^.]{0,60}\blaws? of|construed (?:in accordance with|under) the laws? of"
                     r"|governed\b[^.]{0,40}\bby the (?:applicable )?(?:laws?|regulations|legislation) of\b",
    "dispute_resolution": r"\b(?:disputes?|proceedings?|claims?|actions?)\b[^.]{0,120}\b(?:shall|will|must) be (?:brought|heard|litigated|commenced|filed)\b[^.]{0,60}\b(?:courts?|state of|county of)\b"
                          r"|(?:settled|resolved|determined|referred|submitted|decided)\s+(?:\w+\s+){0,4}(?:by|to|through|in)\s+(?:binding\s+|final\s+)?(?:arbitration|mediation)"
                          r"|\barbitration (?:shall|will) be\b|\bexclusive jurisdiction\b|submit\w* to the (?:non-)?exclusive jurisdiction|\bvenue\b[^.]{0,80}\bcourts?\b",
    "export_control": r"\bexport (?:control|administration|laws?|regulations?|licen[cs]e)|\bre-?export\b|\bdual[\s-]use\b|\bITAR\b",
    "data_protection": r"\bpersonal data\b|\bdata protection\b|\bGDPR\b|\bpersonal information\b",
    "anti_assignment": r"\b(?:assign|transfer)\w*[^.]{0,120}\b(?:without|prior)\b[^.]{0,60}\bconsent|may not (?:be )?(?:assign|transfer)"
                       r"|\b(?:rights|obligations)\b[^.]{0,80}\b(?:shall|may|will) not be (?:assigned|transferred)"
                       r"|terminate[^.]{0,40}\bin the event of its [\"“]?assignment",
    "change_of_control": r"\bchange (?:of|in) (?:the )?(?:effective )?control\b|\bcontrolling interest\b|\bceases? to be (?:directly or indirectly )?controlled\b"
                         r"|\bcontrol of (?:either|any|a|the other|such|that) party\b[^.]{0,60}\b(?:pass|change|transfer)"
                         r"|\b(?:assign|transfer)\w*[^.]{0,160}\bin connection with\b[^.]{0,40}?\b(?:merger|acquisition|consolidation|reorgani[sz]ation|sale of (?:all|substantially all))"
                         r"|\b(?:merger|consolidation|(?:is |are |be )?acquired by|merges? with)\b[^.]{0,200}\b(?:terminat|buy-?out|consent)"
                         r"|\bterminat\w*[^.]{0,200}\b(?:merger|consolidation) of\b"
                         r"|\bacquisition of (?:the )?(?:majority|all or substantially all|more than (?:fifty|50))\b[^.]{0,80}\b(?:shares|stock|voting|assets)",
    "force_majeure": r"\bforce majeure\b",
    "technology_transfer_know_how": r"\bknow[\s-]?how\b[^.]{0,120}\b(?:deliver|disclose|provide|transfer|make available)|\btechnical assistance\b",
    "capital_contribution": r"\bcapital contributions?\b|\bcontribute\b[^.]{0,60}\bcapital\b|\bsubscribe for\b",
    "governance": r"\bboard of directors\b|\breserved matters?\b|\bmanagement committee\b|\bsteering committee\b",
    "deadlock": r"\bdeadlock\b|\bcasting vote\b|\b(?:consensus|agreement|unanimity)\s+(?:cannot|can not|is not|could not)\s+be\s+reached\b"
                r"|\b(?:cannot|unable to|fail(?:s)? to)\s+(?:reach\s+)?agree\w*\b[^.]{0,120}\b(?:refer|submit|escalat|casting)",
    "transfer_restrictions": r"\bright of first refusal\b|\btag[\s-]along\b|\bdrag[\s-]along\b|\bpre-?emption rights?\b|\block[\s-]up period\b"
                             r"|\b(?:transfer|sell|assign|pledge)\w*[^.]{0,80}\b(?:its|their|his|her) (?:interest|shares|equity|stake)\b[^.]{0,120}\b(?:consent|approval|notice)"
                             r"|\b(?:consent|approval)\b[^.]{0,80}\b(?:transfer|sell|assign|pledge)\w*[^.]{0,80}\b(?:its|their|his|her) (?:interest|shares|equity|stake)\b"
                             r"|\b(?:not|no \w+(?: \w+)?)\s+(?:to |shall |may )?(?:transfer|sell|pledge|dispose)\w*[^.]{0,160}\b(?:its|their|his|her) (?:shares|equity|stake|holdings?)\b",
    "exit_dissolution": r"\bbuy[\s-]?out\b|\bdissol(?:ve|ution)\b[^.]{0,80}\b(?:company|joint venture)|\bwinding[\s-]up\b|\bliquidat\w* of the (?:company|joint venture)",
    "rofr_rofo_rofn": r"\bright of first (?:refusal|offer|negotiation)\b",
    "insurance": r"\binsurance\b[^.]{0,80}\b(?:maintain|carry|coverage|policy|policies)|\b(?:maintain|carry)\b[^.]{0,80}\binsurance",
    "ip_ownership_assignment": r"\bhereby assigns?\b|\bshall (?:be|remain) the (?:sole |exclusive )?property of\b|\bshall own all\b"
                               r"|\binure\w*\s+(?:solely\s+|exclusively\s+)?to the (?:sole\s+|exclusive\s+)?benefit of\b|\b(?:sole and exclusive|sole|exclusive) owner\b"
                               r"|\bretains?\s+(?:all\s+)?(?:right, title|ownership|title)\b",
    "joint_ip_ownership": r"\bjointly own\w*|\bjoint ownership\b",
    "standards_frand": r"\bFRAND\b|fair, reasonable and non-discriminatory",
}

# category -> what a sentence matching the category's phrase must not say (a severability clause keeps
# "this Agreement shall remain in full force"; an insurance clause speaks of "liability insurance")
PHRASE_EXCEPTIONS: dict[str, str] = {
    "term": r"\b(?:invalid|unenforceable|illegal|void|severab\w*|contrary to)\b",
    "limitation_of_liability": r"\bliability insurance\b",
    "cap_on_liability": r"\bliability insurance\b",
    "change_of_control": r"\bentire agreement\b|\bsupersedes?\b",  # a "merger" (integration) clause
}

_FLAGS = re.I


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    """``pattern`` (one of the fixed heading, body and phrase patterns) compiled with ``_FLAGS``, held
    here rather than in ``re``'s own cache, which the patterns made per document would push it out of."""
    return re.compile(pattern, _FLAGS)
# page furniture that names a category's keyword without being a clause ("Confidential Execution Version")
_BOILERPLATE = re.compile(r"\bconfidential (?:execution version|treatment(?: requested)?|portions?)\b|\[\*+\]"
                          r"|omitted pursuant to[^.]*|^source:[^\n]*", re.I | re.M)
# the signals, each of which can show a clause (benchmarks/ablation.py --signals measures each one's share)
SIGNALS = frozenset({"label", "heading", "phrase"})
# categories that a definition alone can state ('"Term" means the period commencing ...')
DEFINED_BY_DEFINITION = {"term", "expiration_date", "renewal_term", "effective_date", "field_of_use", "territory"}
_REF = r"[\dIVX][\w.()]*(?:\s*\[[^\]]*\])?"
# definitions ('"X" means', '"X" has the meaning set forth in'), recitals, table-of-contents lines
_NON_OPERATIVE = re.compile(
    r"\W*(?:\d+(?:\.\d+)*\.?\s*)?(?:\([a-z0-9]{1,4}\)\s*)?[\"“][^\"”]{1,80}[\"”]\s*(?:\([^)]{0,40}\)\s*)?(?:shall\s+)?(?:means?|has the meaning|have the meaning|shall have the meaning|refers?|is defined|includes?)\b"
    r"|\W*(?:recitals\W+)?whereas\b|[^\n]*?(?:\.{5,}|…{3,})"
    r"|(?:[^.]|\.\d)*?\b\d{1,3}\s+(?:section|article)\s+[\dIVX]"  # table of contents: '... 18 Section 8.2 ...'
    r"|(?:[^.]|\.\d)*?\b(?:sections?|articles?|clauses?)\s+" + _REF + r"(?:\s*(?:,|and|or|through|to)\s*" + _REF + r"){2,}", re.I)


# a "heading" that is a sentence set in capitals ("A STATEMENT OF WORK DOES NOT CONSTITUTE BREACH OF
# CONTRACT."): it names no section
_SENTENCE_TITLE = re.compile(r"\S+\s+\S+.*\b(?:shall|will|does|do|did|is|are|was|were|must|constitutes?)\s+(?:not\s+)?\w+", re.I)
# a sentence that keeps provisions in force after the agreement ends
_SURVIVAL = re.compile(r"\bsurviv\w*|\b(?:continue|remain)\s+(?:in\s+(?:full\s+)?(?:force|effect)|binding|in\s+place)"
                       r"[^.;]{0,60}\b(?:after|following|notwithstanding|beyond)\b[^.;]{0,40}\b(?:terminat|expir)", re.I)
# "Sections 3.6, 4, 6 and 9", "Article IV", "clauses 5(b) and 7"
_CITED_NUM = r"(?:\d+(?:\.\d+)*(?:\s?\([a-z0-9]{1,4}\))*|[IVXL]+\b)"
_CITED = re.compile(r"\b(?:sections?|articles?|clauses?|paragraphs?|§§?)\s*(" + _CITED_NUM +
                    r"(?:\s*(?:,|and|or|&|through|to)\s*(?:(?:sections?|articles?|clauses?|paragraphs?)\s+)?" + _CITED_NUM + r")*)", re.I)
# a list item's enumerator: "(b) On the commencement ...", "ii) upon ..."
_ENUMERATED = re.compile(r"\s*(?:\(?[a-z]{1,3}\)|\(?\d{1,2}\)|\(?[ivx]{1,5}\))\s", re.I)
# a definition's term: '"Confidential Information" means'
_DEFINED = re.compile(r"\W*(?:\d+(?:\.\d+)*\.?\s*)?(?:\([a-z0-9]{1,4}\)\s*)?[\"“]([^\"”]{1,80})[\"”]\s*(?:shall\s+)?"
                      r"(?:means?|has the meaning|shall have the meaning|refers?|includes?)\b", re.I)


def _number_key(number: str) -> str:
    """Comparable form of a clause number: "Section 1.01." -> "1.1", "IV" -> "4", "5 (b)" -> "5(b)"."""
    n = re.sub(r"^(?:section|article|clause|paragraph)\s+", "", number.strip(), flags=re.I).rstrip(".").replace(" ", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)*)\.?((?:\([a-z0-9]+\))*)", n, re.I)
    if m:
        return ".".join(str(int(x)) for x in m.group(1).split(".")) + m.group(2).lower()
    if re.fullmatch(r"[IVXL]+", n) and roman_to_int(n):
        return str(roman_to_int(n))
    return n.lower()


@dataclass(frozen=True)
class Unit:
    """One piece of evidence: a span of the text, the clause holding it, and how it was found."""

    start: int
    end: int
    clause_id: Optional[str]
    source: str  # "label" | "heading" | "phrase"


class PresenceIndex:
    """Evidence per category for one report, from the ``signals`` given (default: labels,
    headings and phrases)."""

    def __init__(self, report, signals: Iterable[str] = SIGNALS):
        self.report = report
        self.text = report.text
        self.signals = frozenset(signals)
        unknown = self.signals - SIGNALS
        if unknown:
            raise ValueError(f"unknown presence signal(s): {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(sorted(SIGNALS))})")
        self.clauses = list(report.clauses)
        self.clause_index = ClauseIndex(self.clauses)
        self.by_id = self.clause_index.by_id
        self.sentences = [(s.start, s.end) for s in report.sentences]
        if not self.sentences and self.text:
            self.sentences = simple_sentences(self.text)
        self._cache: dict[str, list[Unit]] = {}
        self._sentence_spans = SpanIndex(self.sentences)
        self._definitions = Covered((c.start, c.end) for c in self.clauses if c.kind in ("definition", "definitions"))
        self.headings = HeadingIndex(self.text, self.clauses)
        self.sections: list[Section] = self.headings.sections
        self._operative: Optional[list[tuple[int, int]]] = None
        self._body_starts: dict[tuple[int, str, int], int] = {}
        self._phrase_hits: dict[str, list[tuple[int, int]]] = {}

    def clause_at(self, start: int, end: int) -> Optional[str]:
        """The id of the clause at ``[start, end)`` (``ClauseIndex.innermost``)."""
        return self.clause_index.innermost_id(start, end)

    def body_start(self, start: int, heading: str, end: int) -> int:
        """Where the text under a heading starts (just after the heading's words)."""
        key = (start, heading, end)
        if key not in self._body_starts:  # asked for the same few headings many times per document
            self._body_starts[key] = body_start(self.text, start, heading, end)
        return self._body_starts[key]

    def sections_for(self, category: str) -> list[tuple[int, int]]:
        """Whole sections (heading included) whose heading names ``category``."""
        head = HEADINGS.get(category)
        if not head:
            return []
        return [(sec.start, sec.end) for sec in self.headings.sections_titled(_compiled(head[0]))]

    def operative_sentences(self) -> list[tuple[int, int]]:
        """Sentences that can carry an obligation: not definitions, recitals, cross-references
        or table-of-contents lines."""
        if self._operative is None:
            skip = Covered((c.start, c.end) for c in self.clauses if c.kind in ("definition", "definitions", "recitals"))
            self._operative = [(s, e) for s, e in self.sentences
                               if not _NON_OPERATIVE.match(self.text, s, min(e, s + 600))
                               and not skip.point(s)]
        return self._operative

    def _operative_span(self, start: int, end: int, category: str = "") -> bool:
        """A label counts unless it is a definition, a cross-reference list or a fragment
        (a definition does count for the categories a definition can state: term, field, territory)."""
        t = self.text[start:end]
        if language_of(t) == "zh":  # Chinese: the lexicon labels whole sentences; only definitions are left out
            return category in DEFINED_BY_DEFINITION or not self._definitions.point(start)
        words = re.findall(r"[A-Za-z][\w'-]*", t)
        if len(re.findall(r"[A-Za-z]", t)) < 20 or (t.upper() == t and len(t.split()) <= 10) \
                or (len(words) <= 8 and not re.search(r"[.;:]\s*$", t)):
            return False  # a fragment or a bare heading
        if category in DEFINED_BY_DEFINITION:
            return True
        if _NON_OPERATIVE.match(self.text, start, min(end, start + 600)):
            return False
        return not self._definitions.point(start)

    def _phrase_sentences(self, category: str) -> list[tuple[int, int]]:
        """The operative sentences with a phrase of ``category`` (and none of its exceptions), in order."""
        hits = self._phrase_hits.get(category)
        if hits is None:
            pat = _compiled(PHRASES[category])
            unless = _compiled(PHRASE_EXCEPTIONS[category]) if category in PHRASE_EXCEPTIONS else None
            hits = self._phrase_hits[category] = [
                (s, e) for s, e in self.operative_sentences()
                if pat.search(self.text, s, e) and not (unless and unless.search(self.text, s, e))]
        return hits

    def evidence(self, category: str) -> list[Unit]:
        if category in self._cache:
            return self._cache[category]
        units: list[Unit] = []
        head = HEADINGS.get(category)
        keyword = _compiled(head[1]) if head else None  # a label must say something of its kind
        for lab in self.report.labels if "label" in self.signals else ():
            if lab.category == category and lab.flagged and self._operative_span(lab.start, lab.end, category) \
                    and (keyword is None or keyword.search(_BOILERPLATE.sub(" ", self.text[lab.start:lab.end]))
                         or has_cjk(self.text[lab.start:lab.end])):
                units.append(Unit(lab.start, lab.end, lab.clause_id or self.clause_at(lab.start, lab.end), "label"))
        if not units and "label" in self.signals:
            # the classifier's per-document decision: the category is present, at its most likely unit
            doc = next((p for p in getattr(self.report, "presence", None) or () if p.category == category), None)
            if doc is not None and doc.present and doc.start is not None and doc.end is not None and doc.end > doc.start \
                    and self._operative_span(doc.start, doc.end, category) \
                    and (keyword is None or keyword.search(_BOILERPLATE.sub(" ", self.text[doc.start:doc.end]))):
                units.append(Unit(doc.start, doc.end, self.clause_at(doc.start, doc.end), "label"))
        if head and "heading" in self.signals:
            hpat, bpat = _compiled(head[0]), _compiled(head[1])
            for sec in self.headings.sections_titled(hpat):
                if is_document_title(sec.title) or _SENTENCE_TITLE.search(sec.title):
                    continue
                bs, be = sec.body_start, sec.end
                body = self.text[bs:be]
                if len(re.sub(r"\W", "", body)) < 30 or not bpat.search(body):
                    continue
                sents = [(max(s, bs), min(e, be)) for s, e in
                         (self.sentences[i] for i in self._sentence_spans.overlapping(bs, be))] or [(bs, be)]
                sents = [(s, e) for s, e in sents if len(re.findall(r"[A-Za-z]", self.text[s:e])) >= 20] or sents[:1]
                units += [Unit(s, e, self.clause_at(s, e) or sec.clause_id, "heading") for s, e in sents]
        phrase = PHRASES.get(category)
        if phrase and not units and "phrase" in self.signals:  # phrases are the fallback signal when labels and headings find nothing
            for s, e in self._phrase_sentences(category):
                units.append(Unit(s, e, self.clause_at(s, e), "phrase"))
        self._cache[category] = _dedupe(units)
        return self._cache[category]

    def evidence_any(self, categories: Iterable[str]) -> list[Unit]:
        out: list[Unit] = []
        for cat in categories:
            out += self.evidence(cat)
        return _dedupe(out)

    # -- the whole-contract reading behind attribute checks ------------------------------------

    def scope(self, categories: Iterable[str], units: Optional[list[Unit]] = None, survival: bool = True) -> "Scope":
        """Everything an attribute check on ``categories`` reads, across the whole contract:

        - the evidence ``units`` (default: ``evidence_any``), and every operative sentence with a
          phrase of the categories, wherever it stands (labels and headings do not hide them);
        - each list item together with the words that introduce it ("... may terminate this
          Agreement: ... (b) on the bankruptcy of the other party"), and the items that follow
          such an introduction;
        - the definitions of the categories' own terms ('"Confidential Information" means ...');
        - the survival clauses that keep one of those clauses in force after termination, by
          citing its number or by naming its subject (they state ``survives`` only), when
          ``survival`` is asked for.
        """
        cats = list(categories)
        units = list(self.evidence_any(cats) if units is None else units)
        held = Covered((u.start, u.end) for u in units)
        for cat in cats:
            phrase = PHRASES.get(cat)
            if not phrase or "phrase" not in self.signals:
                continue
            for s, e in self._phrase_sentences(cat):
                if not held.span(s, e) and self._operative_span(s, e, cat):
                    units.append(Unit(s, e, self.clause_at(s, e), "phrase"))
        units = _dedupe(units)
        lead_ins: dict[tuple[int, int], tuple[int, int]] = {}
        seen = {(u.start, u.end) for u in units}
        for u in list(units):
            lead = self.lead_in(u.start, u.end)
            if lead is not None:
                lead_ins[(u.start, u.end)] = lead
            if self.text[u.start:u.end].rstrip().endswith((":", "—")):
                for s, e in self.items_after(u.end):
                    if (s, e) not in seen:
                        seen.add((s, e))
                        units.append(Unit(s, e, self.clause_at(s, e), u.source))
                    lead_ins.setdefault((s, e), (u.start, u.end))
        related: list[Unit] = []
        for cat in cats:
            for d in self.definitions_of(cat):
                if (d.start, d.end) not in seen:
                    seen.add((d.start, d.end))
                    related.append(d)
        ids = {u.clause_id for u in units if u.clause_id}
        kept: list[Unit] = []
        for cat in cats if survival else ():
            for v in self.survival(ids, cat):
                if (v.start, v.end) not in seen:
                    seen.add((v.start, v.end))
                    kept.append(v)
        return Scope(units=sorted(units, key=lambda u: (u.start, -u.end)), related=related, survival=kept,
                     lead_ins=lead_ins)

    def _sentence_at(self, pos: int) -> Optional[int]:
        hits = self._sentence_spans.overlapping(pos, pos + 1)
        return hits[0] if hits else None

    def lead_in(self, start: int, end: int) -> Optional[tuple[int, int]]:
        """For a list item ("(b) on the bankruptcy of ..."), the sentence that introduces the list
        ("Either party may terminate this Agreement:"); None for anything else."""
        if not _ENUMERATED.match(self.text, start):
            return None
        i = self._sentence_at(start)
        if i is None:
            return None
        for j in range(i - 1, max(-1, i - 16), -1):
            s, e = self.sentences[j]
            if _ENUMERATED.match(self.text, s) and not self.text[s:e].rstrip().endswith((":", "—")):
                continue  # an earlier item of the same list
            return (s, e) if self.text[s:e].rstrip().endswith((":", "—", " if", " where", " upon")) else None
        return None

    def items_after(self, pos: int) -> list[tuple[int, int]]:
        """The list items ("(a) ...", "(b) ...") that follow an introduction ending at ``pos``."""
        out: list[tuple[int, int]] = []
        j = next((k for k, (s, _) in enumerate(self.sentences) if s >= pos), len(self.sentences))
        while j < len(self.sentences) and len(out) < 15 and _ENUMERATED.match(self.text, self.sentences[j][0]):
            out.append(self.sentences[j])
            j += 1
        return out

    def definitions_of(self, category: str) -> list[Unit]:
        """Definitions of the category's own terms ('"Confidential Information" means ...'), whole
        (a definition clause, or the sentence with the list items under it)."""
        head = HEADINGS.get(category)
        if not head:
            return []
        hpat = _compiled(head[0])
        out: list[Unit] = []
        for s, e in self.sentences:
            m = _DEFINED.match(self.text, s, e)
            if not m or not hpat.search(m.group(1).strip()):
                continue
            c = self.clause_index.innermost(s, e)
            if c is not None and c.kind == "definition":
                out.append(Unit(c.start, c.end, c.id, "definition"))
                continue
            items = self.items_after(e)
            out.append(Unit(s, items[-1][1] if items else e, self.clause_at(s, e), "definition"))
        return _dedupe(out)

    def _numbers(self) -> dict[str, str]:
        if not hasattr(self, "_number_ids"):
            ids: dict[str, str] = {}
            for c in self.clauses:
                if c.number and c.kind not in ("schedule", "definition"):
                    ids.setdefault(_number_key(c.number), c.id)
            self._number_ids = ids
        return self._number_ids

    def cited(self, start: int, end: int) -> set[str]:
        """Ids of the clauses that ``[start, end)`` cites: the cross-references resolved to clauses,
        else the clause numbers it names ("Sections 3.6, 4 and 9")."""
        ids = {e.target_clause_id for e in self.report.entities
               if e.type in ("cross_reference", "xref") and e.target_clause_id and start <= e.start < end}
        if ids:
            return ids
        for m in _CITED.finditer(self.text[start:end]):
            for num in re.findall(_CITED_NUM, m.group(1)):
                cid = self._numbers().get(_number_key(num))
                if cid:
                    ids.add(cid)
        return ids

    def _lineage(self, clause_id: Optional[str]) -> list[str]:
        out, c = [], self.by_id.get(clause_id or "")
        while c is not None and len(out) < 8:
            out.append(c.id)
            c = self.by_id.get(c.parent_id) if c.parent_id else None
        return out

    def survival(self, clause_ids: set[str], category: str) -> list[Unit]:
        """Sentences that keep a clause of ``category`` in force after termination or expiry: they
        cite one of ``clause_ids`` (or a clause holding one, or one inside one), or name the
        category ("the obligations of confidentiality shall survive")."""
        holding = {a for cid in clause_ids for a in self._lineage(cid)}
        head = HEADINGS.get(category)
        naming = _compiled(head[0]) if head else None
        out: list[Unit] = []
        for s, e in self.sentences:
            if not _SURVIVAL.search(self.text, s, e):
                continue
            cited = self.cited(s, e)
            hit = bool(cited & holding) or any(set(self._lineage(c)) & clause_ids for c in cited)
            if not hit and naming is not None:
                hit = bool(naming.search(_BOILERPLATE.sub(" ", self.text[s:e])))
            if hit:
                out.append(Unit(s, e, self.clause_at(s, e), "survival"))
        return out

    def clause_label(self, clause_id: Optional[str]) -> Optional[str]:
        """How a memo cites a clause: its number, with the numbers over a list item ("7.3(b)"),
        else its heading."""
        parts: list[str] = []
        c = self.by_id.get(clause_id or "")
        while c is not None and len(parts) < 4:
            if c.number:
                parts.append(c.number.strip().rstrip("."))
                if not parts[-1].startswith("("):
                    break
            elif not parts:
                return c.heading
            c = self.by_id.get(c.parent_id) if c.parent_id else None
        return "".join(reversed(parts)) or None


@dataclass
class Scope:
    """What an attribute check reads: the clause's units, related definitions, survival
    clauses (read for ``survives`` only), and each list item's introduction."""

    units: list[Unit]
    related: list[Unit]
    survival: list[Unit]
    lead_ins: dict[tuple[int, int], tuple[int, int]]

    def all_units(self) -> list[Unit]:
        return [*self.units, *self.related, *self.survival]


_SENT_END = re.compile(r"(?<=[.;:!?])\s+(?=[\"“(]?[A-Z0-9(])|\n\s*")


def simple_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation and line breaks (used when the report carries no sentences)."""
    spans, pos = [], 0
    for m in list(_SENT_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
        pos = m.end() if m else len(text)
    return spans


def _dedupe(units: list[Unit]) -> list[Unit]:
    """Sorted by position; a unit inside an earlier kept unit is dropped (labels win)."""
    rank = {"label": 0, "heading": 1, "phrase": 2, "definition": 3, "survival": 4}
    out: list[Unit] = []
    for u in sorted(units, key=lambda u: (u.start, -u.end, rank[u.source])):
        if out and u.start >= out[-1].start and u.end <= out[-1].end:
            continue
        out.append(u)
    return out
