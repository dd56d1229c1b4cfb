"""Jurisdiction overlays: rule sets that add to, tighten or replace a playbook's rules.

An overlay (``kind: overlay``) is a YAML file in ``clause_library/overlays/`` that the user
switches on (``clause-analyzer analyze FILE --overlay cn-outbound``, a multi-select in the app).
It is validated like a playbook (strict pydantic models, ``"[loc] msg"`` errors, a JSON schema
in ``clause_library/overlays/schema.json``) and holds:

- ``sources``: the laws, regulations, decisions and guidelines its rules rely on, each with the
  year of the version relied on and the date it was last checked;
- ``rules``: whole rules, as in a playbook. ``action: add`` (the default) adds a new rule, whose
  id starts with the overlay's id; ``action: replace`` replaces the playbook's rule of the same id
  (and does nothing when the playbook has no such rule);
- ``tighten``: changes to a playbook rule, by id: more checks, a higher severity, ``required``
  instead of ``recommended``, other language, a document-wide reading of the attributes, and
  a rationale that is added to the rule's own;
- ``includes``: shared overlay files of the same folder whose name starts with ``_`` (they are
  applied once, however many chosen overlays include them).

Every rule and tightening names at least one of the overlay's sources and has a rationale that
names the law, an article (or section, part, paragraph) and a year. ``only_if`` limits a rule
or tightening to contracts that meet conditions: named facts about the document
(``DOC_CONDITIONS``: a licence is granted, a party is Chinese, a Sino-foreign JV, standards are
involved, personal data is processed ...) or attribute conditions read over the whole text.

``suggest_overlays(report)`` says which overlays fit the contract (its governing law, its
parties' seats, the origin of its technology) for the report's ``suggested_overlays``; an overlay
is applied only when the caller chooses it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from analyzer.core.errors import PlaybookError
from analyzer.core.schema import OverlaySuggestion, Severity
from analyzer.core.settings import library_dir
from analyzer.review.attributes import document_context, extract_attributes
from analyzer.review.jurisdiction import country_of, detect, party_windows
from analyzer.review.playbook import (
    Check,
    Condition,
    Playbook,
    Rule,
    Template,
    ZhText,
    _clip,
    _FileProblem,
    _format_errors,
    _include_path,
    _loc,
    _parse_yaml,
    _read_bytes,
    _read_yaml,
    grants_licence,
)

OVERLAY_SCHEMA_VERSION = "1"
OVERLAY_FOLDER = "overlays"

# Facts about the document that an overlay rule may be limited to (``only_if``).
DocCondition = Literal["grants_licence", "prc_party", "prc_connection", "prc_transferor", "prc_transferee",
                       "foreign_party", "eu_party", "cross_border", "sino_foreign_jv", "prc_law",
                       "standards", "personal_data", "technology", "royalties", "controlled_technology"]
DOC_CONDITIONS: tuple[str, ...] = DocCondition.__args__  # type: ignore[attr-defined]

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_ARTICLE = re.compile(r"\bArts?\.|\bArticles?\b|§|\bSections?\b|\bParts?\s+\d|\bC\.F\.R\.|\bparas?\.|\bparagraphs?\b"
                      r"|\bClauses?\s+\d|\bU\.S\.C\.|\bUKSC\b|\bC-\d+/\d+", re.IGNORECASE)
_UK_SECTION = re.compile(r"(?<![\w.])ss?\.\s*\d")  # "s. 36" of a UK Act
_STANDARDS = re.compile(r"standard[\s-]essential|\bSEPs?\b|\bFRAND\b|\bETSI\b|\b3GPP\b|\bIEEE\b|standard[\s-]setting"
                        r"|essential (?:to|for) (?:the |any |a )?(?:\w+ )?standards?\b", re.IGNORECASE)
_CHINA = re.compile(r"People'?s\s+Republic\s+of\s+China|\bP\.?R\.?C\.?\b|\bChin(?:a|ese)\b")
_PERSONAL = re.compile(r"personal (?:data|information)|\bGDPR\b|data subjects?", re.IGNORECASE)
_TECHNOLOGY = re.compile(r"\bpatents?\b|know-?how|\btechnolog(?:y|ies)\b|\binventions?\b|\bsoftware\b", re.IGNORECASE)
_ROYALTIES = re.compile(r"\broyalt(?:y|ies)\b|licen[cs]e fees?", re.IGNORECASE)
# the contract identifies technology as export-controlled (a classification, a control list), beyond boilerplate
_CONTROLLED = re.compile(r"\bECCN\b|export control classification|commerce control list|\bEAR99\b|\bITAR\b"
                         r"|munitions list|dual-use items? listed|annex i to regulation \(eu\) 2021/821"
                         r"|catalogue of technologies prohibited or restricted|controlled (?:technology|items?|technical data)", re.IGNORECASE)
# where the technology comes from: "technology developed in the People's Republic of China", "US-origin"
_ORIGIN = re.compile(r"(?:technolog(?:y|ies)|know-?how|patents?|software|inventions?)\b[^.;]{0,120}?"
                     r"\b(?:developed|originat\w*|created|invented|made|designed)\b[^.;]{0,40}?\b(?:in|within)\s+(?P<place>[^.;,]{2,60})", re.IGNORECASE)
_ORIGIN_TAG = re.compile(r"\b(?P<place>Chinese|PRC|China|U\.S\.|US|United States|EU|European)[\s-]origin\b", re.IGNORECASE)
EU_STATES = ("Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czech Republic", "Czechia", "Denmark", "Estonia",
             "Finland", "France", "Germany", "Greece", "Hungary", "Ireland", "Italy", "Latvia", "Lithuania", "Luxembourg",
             "Malta", "Netherlands", "Poland", "Portugal", "Romania", "Slovakia", "Slovenia", "Spain", "Sweden")
_EU = re.compile(r"\b(?:" + "|".join(EU_STATES) + r"|European Union|German|French|Dutch|Italian|Spanish|Irish|Swedish|Belgian"
                 r"|Danish|Finnish|Austrian|Polish)\b|\b(?:GmbH|AG|B\.V\.|N\.V\.|S\.A\.S\.|S\.p\.A\.|S\.r\.l\.|S\.L\.|AB|Oy|A/S)(?=[\s,.;)]|$)")
_EU_COUNTRIES = {"Germany", "France", "Netherlands"}  # EU members among analyzer.review.jurisdiction's countries


def _cites(value: str) -> str:
    """A rationale must name its source: the law, an article (or section, part, paragraph) and a year."""
    if not _YEAR.search(value):
        raise ValueError("the rationale names no year of the law relied on (e.g. 'Export Control Law (2020)')")
    if not (_ARTICLE.search(value) or _UK_SECTION.search(value)):
        raise ValueError("the rationale names no article, section, part or paragraph (e.g. 'Art. 850', '§ 734.13')")
    return value


CitedRationale = Annotated[str, AfterValidator(_cites)]
OnlyIf = DocCondition | Condition
SourceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """A law, regulation, decision or guideline an overlay relies on."""

    id: SourceId
    title: str
    citation: str | None = Field(None, description="official number, court and case number, or instrument")
    year: int = Field(ge=1900, le=2100, description="the year of the version relied on")
    checked: date = Field(description="the date the source was last checked")
    note: str | None = None


class OverlayRule(Rule):
    """A whole rule: added (``add``, id starting with the overlay's id) or replacing the playbook's rule of the same id."""

    action: Literal["add", "replace"] = "add"
    sources: list[SourceId] = Field(min_length=1, description="ids of the overlay's sources the rule relies on")
    only_if: list[OnlyIf] = Field(default_factory=list, description="apply only to contracts that meet all of these")
    rationale: CitedRationale

    def as_rule(self) -> Rule:
        return Rule.model_validate({k: getattr(self, k) for k in Rule.model_fields})


class TighteningZhText(_Strict):
    """The Chinese text of a tightening: its rationale, its checks' messages (in the order of the
    checks) and its language."""

    rationale: str | None = None
    checks: list[str | None] = Field(default_factory=list, description="the checks' messages in Chinese, in the "
                                     "order of the checks")
    preferred: Template = None
    fallback: Template = None


class Tightening(_Strict):
    """Changes to a playbook rule, by id. A rule the playbook lacks is left alone."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    sources: list[SourceId] = Field(min_length=1)
    rationale: CitedRationale = Field(description="added to the rule's rationale")
    requirement: Literal["required"] | None = Field(None, description="make a recommended rule required")
    severity: Severity | None = Field(None, description="raise the rule's severity (never lowers it)")
    checks: list[Check] = Field(default_factory=list, description="checks added to the rule's (and to its perspectives' own)")
    preferred: Template = Field(None, description="replaces the rule's general preferred language")
    fallback: Template = None
    attribute_scope: Literal["document"] | None = Field(
        None, description="read the checked attributes from the whole document")
    only_if: list[OnlyIf] = Field(default_factory=list)
    zh: TighteningZhText | None = Field(None, description="the Chinese text of rationale, check messages, preferred "
                                        "and fallback")

    @model_validator(mode="after")
    def _zh_checks(self) -> Tightening:
        if self.zh is not None and len(self.zh.checks) > len(self.checks):
            raise ValueError(f"zh.checks has {len(self.zh.checks)} messages for {len(self.checks)} checks")
        return self


class Overlay(_Strict):
    kind: Literal["overlay"]
    schema_version: Literal["1"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    version: str
    title: str
    description: str = ""
    jurisdiction: str = Field(description="the legal order the overlay speaks for (PRC, EU, US ...)")
    includes: list[str] = Field(default_factory=list, max_length=10,
                                description="shared overlay files (names starting with '_') in the same folder")
    sources: list[Source] = Field(default_factory=list)
    rules: list[OverlayRule] = Field(default_factory=list)
    tighten: list[Tightening] = Field(default_factory=list)
    _entries: list = PrivateAttr(default_factory=list)
    _sources: list = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Overlay:
        ids = [s.id for s in self.sources]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate source id(s): {', '.join(_clip(d) for d in dup[:5])}")
        known = set(ids)
        problems = []
        for where, items in (("rules", self.rules), ("tighten", self.tighten)):
            for i, item in enumerate(items):
                bad = [s for s in item.sources if s not in known]
                if bad:
                    problems.append(f"{where}.{i}: unknown source id(s) {', '.join(_clip(b) for b in bad[:5])}")
        rule_ids = [r.id for r in self.rules]
        dup = sorted({i for i in rule_ids if rule_ids.count(i) > 1})
        if dup:
            problems.append(f"duplicate rule id(s): {', '.join(_clip(d) for d in dup[:5])}")
        for i, r in enumerate(self.rules):
            own = r.id.startswith(self.id + ".")
            if r.action == "add" and not own:
                problems.append(f"rules.{i}: an added rule's id must start with '{self.id}.'")
            if r.action == "replace" and own:
                problems.append(f"rules.{i}: a replacing rule takes the id of the playbook rule it replaces")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def entries(self) -> list[Entry]:
        """Every change the overlay makes, included files first, in file order."""
        return list(self._entries)

    @property
    def all_sources(self) -> list[Source]:
        """The overlay's sources and those of the files it includes."""
        return list(self._sources)


@dataclass(frozen=True)
class Entry:
    """One change: ``op`` (add, replace, tighten) of ``item``, declared in the overlay file ``origin``."""

    origin: str
    op: str
    seq: int
    item: OverlayRule | Tightening


_ADAPTER: TypeAdapter = TypeAdapter(Overlay)


# ------------------------------------------------------------------ schema


def json_schema() -> dict:
    schema = _ADAPTER.json_schema()
    schema["title"] = "Clause analyzer jurisdiction overlay"
    schema["$id"] = "clause_library/overlays/schema.json"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def overlays_dir() -> Path:
    """The folder of shipped overlays: ``overlays/`` in the clause library."""
    return library_dir() / OVERLAY_FOLDER


def schema_path() -> Path:
    return overlays_dir() / "schema.json"


def write_schema(path: Path | None = None) -> Path:
    path = Path(path) if path is not None else schema_path()
    path.write_text(json_schema_text(), encoding="utf-8")
    return path


# ------------------------------------------------------------------ loading


def _validate(data: dict, source: str | Path) -> Overlay:
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise PlaybookError(source, _format_errors(exc)) from None


def is_overlay_file(path: str | Path) -> bool:
    """Whether ``path`` is a readable YAML mapping whose ``kind`` is ``overlay``."""
    try:
        data = _read_yaml(Path(path))
    except PlaybookError:
        return False
    return data.get("kind") == "overlay"


def _load_included(name: str, folders: list[Path]) -> Overlay:
    raw = _read_bytes(_include_path(name, folders), follow_symlinks=False)
    try:
        data = _parse_yaml(raw)
    except _FileProblem as exc:
        raise _FileProblem(f"not a valid overlay ({'YAML syntax error' if exc.quotes_file else exc})") from None
    if data.get("kind") != "overlay":
        raise _FileProblem("not an overlay (kind: overlay)")
    if data.get("includes"):
        raise _FileProblem("an included overlay may not include others")
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        errs = exc.errors(include_url=False, include_input=False, include_context=False)
        first = " ".join(errs[0]["msg"].removeprefix("Value error, ").split())
        raise _FileProblem(f"not a valid overlay ({len(errs)} problem(s), the first at "
                           f"{_loc(errs[0]['loc'], known_only=True)}: {_clip(first, 200)})") from None


def _entries_of(ov: Overlay) -> list[Entry]:
    out = [Entry(ov.id, r.action, i, r) for i, r in enumerate(ov.rules)]
    out += [Entry(ov.id, "tighten", i, t) for i, t in enumerate(ov.tighten)]
    return out


def _build(ov: Overlay, source: str | Path, folders: list[Path]) -> Overlay:
    entries: list[Entry] = []
    sources: list[Source] = []
    errors: list[str] = []
    for i, name in enumerate(ov.includes):
        if not name.startswith("_"):
            errors.append(f"[includes.{i}] {_clip(name, 60)}: an included overlay's file name starts with '_'")
            continue
        try:
            inc = _load_included(name, folders)
        except _FileProblem as exc:
            errors.append(f"[includes.{i}] {_clip(name, 60)}: {exc}")
            continue
        entries += _entries_of(inc)
        sources += [s for s in inc.sources if s.id not in {x.id for x in sources}]
    if errors:
        raise PlaybookError(source, errors)
    entries += _entries_of(ov)
    sources += [s for s in ov.sources if s.id not in {x.id for x in sources}]
    ov._entries, ov._sources = entries, sources
    return ov


def load_overlay(path: str | Path, *, include_dirs: Iterable[str | Path] | None = None) -> Overlay:
    """Load and validate an overlay YAML (with the shared files it includes).

    Includes are found by file name in ``include_dirs``; by default the overlay's own folder,
    then the shipped overlays folder.
    """
    path = Path(path)
    data = _read_yaml(path)
    if data.get("kind") != "overlay":
        raise PlaybookError(path, ["[kind] not an overlay: an overlay file says 'kind: overlay'"])
    ov = _validate(data, path)
    folders = [path.absolute().parent, overlays_dir()] if include_dirs is None else [Path(d) for d in include_dirs]
    return _build(ov, path, folders)


@lru_cache(maxsize=32)
def _cached_load(path: str, _mtime: int) -> Overlay:
    return load_overlay(path)


def list_overlays(directory: Path | None = None) -> list[dict]:
    """Id, title, version, jurisdiction and path of every shipped overlay (not the shared ``_`` files)."""
    out = []
    folder = Path(directory or overlays_dir())
    for p in sorted(folder.glob("*.yaml")):
        if p.name.startswith("_"):
            continue
        ov = _cached_load(str(p), p.stat().st_mtime_ns)
        out.append({"id": ov.id, "title": ov.title, "version": ov.version, "jurisdiction": ov.jurisdiction,
                    "description": ov.description, "path": str(p)})
    return out


def resolve_overlay(spec: str | Path | Overlay) -> Overlay:
    """An ``Overlay`` from an id (``cn-outbound``), a YAML path or an ``Overlay``."""
    if isinstance(spec, Overlay):
        return spec
    spec_str = str(spec)
    path = Path(spec_str)
    if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
        return _cached_load(str(path), path.stat().st_mtime_ns) if path.is_file() else load_overlay(path)
    found = overlays_dir() / f"{spec_str}.yaml"
    if spec_str.startswith("_") or not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", spec_str) or not found.is_file():
        ids = ", ".join(o["id"] for o in list_overlays()) if overlays_dir().is_dir() else "none"
        raise PlaybookError(_clip(spec_str, 80), [f"[overlay] unknown overlay id (shipped: {ids})"])
    return _cached_load(str(found), found.stat().st_mtime_ns)


def resolve_overlays(specs: Sequence[str | Path | Overlay] | None) -> list[Overlay]:
    """The overlays ``specs`` name, each once, in the order given."""
    out: list[Overlay] = []
    for spec in specs or ():
        ov = resolve_overlay(spec)
        if all(o.id != ov.id for o in out):
            out.append(ov)
    return out


def version_string(overlays: Sequence[Overlay]) -> str:
    """``id@version`` of each overlay, comma-separated (the report's ``versions["overlays"]``)."""
    return ", ".join(f"{o.id}@{o.version}" for o in overlays)


# ------------------------------------------------------------------ document facts


_GIVER_ROLES = {"licensor", "assignor", "discloser", "seller", "supplier", "transferor"}
_TAKER_ROLES = {"licensee", "assignee", "recipient", "buyer", "customer", "transferee"}


_FIRST_GRANT = re.compile(r"(?P<who>[^.;\n]{1,120}?)\b(?:hereby\s+)?grants?\b[^.;]{0,200}?\blicen[cs]e", re.IGNORECASE)


def _grantor(text: str, parties: list) -> object | None:
    """The party named before the first licence grant of ``text`` ("Acme hereby grants ... a licence"), if any."""
    m = _FIRST_GRANT.search(text)
    if m is None:
        return None
    who = m.group("who")
    for p in parties:
        names = [n.strip("\"“” ") for n in (p.alias, p.name) if n and len(n.strip("\"“” ")) > 1]
        if any(re.search(r"\b" + re.escape(n) + r"\b", who) for n in names):
            return p
    return None


def _direction(report, j) -> dict[str, bool]:
    """Whether technology leaves China (a Chinese party grants or transfers it, or it originates in China)
    or enters it (a Chinese party receives it from a foreign one, or a Sino-foreign JV)."""
    text = report.text or ""
    parties = list(report.parties or [])
    chinese = [p for p, c in zip(parties, j.party_countries) if c == "China"]
    foreign = [p for p, c in zip(parties, j.party_countries) if c and c != "China"]
    origin = technology_origin(report)
    roles = {(p.role or "").lower() for p in chinese}
    grantor = None if roles & (_GIVER_ROLES | _TAKER_ROLES) else _grantor(text, parties)
    out = (bool(roles & _GIVER_ROLES) or (origin is not None and origin[0] == "cn")
           or (grantor is not None and grantor in chinese))
    into = (bool(roles & _TAKER_ROLES) or j.sino_foreign_jv
            or (bool(chinese) and grantor is not None and grantor in foreign))
    return {"prc_transferor": out, "prc_transferee": into}


class Facts:
    """The document facts and whole-text attributes that ``only_if`` conditions test, computed once."""

    def __init__(self, report):
        self.report = report
        self._named: dict[str, bool] | None = None
        self._attrs = None

    def named(self) -> dict[str, bool]:
        if self._named is None:
            r, text = self.report, self.report.text or ""
            j = detect(r)
            self._named = {
                "grants_licence": grants_licence(r),
                "prc_party": j.prc_party,
                # a Chinese party, PRC law, a Sino-foreign JV, or China named in the opening (title, parties, recitals)
                "prc_connection": bool(j.prc_party or j.governing_law == "China" or j.sino_foreign_jv
                                       or _CHINA.search(text[:4000])),
                "foreign_party": any(c and c != "China" for c in j.party_countries),
                "eu_party": any(_region(w) == "eu" for w in party_windows(r)),
                "cross_border": len({country_of(w) or ("EU" if _EU.search(w) else None)
                                     for w in party_windows(r)} - {None}) >= 2,
                "sino_foreign_jv": j.sino_foreign_jv,
                "prc_law": j.governing_law == "China",
                "standards": bool(_STANDARDS.search(text)),
                "personal_data": bool(_PERSONAL.search(text)),
                "technology": bool(_TECHNOLOGY.search(text)),
                "royalties": bool(_ROYALTIES.search(text)),
                "controlled_technology": bool(_CONTROLLED.search(text)),
                **_direction(r, j),
            }
        return self._named

    def attributes(self):
        if self._attrs is None:
            r = self.report
            spans = [(s.start, s.end) for s in r.sentences] or [(0, len(r.text or ""))]
            self._attrs = extract_attributes(r.text or "", spans, document_context(r.text or "", r.entities, r.parties))
        return self._attrs

    def hold(self, conditions: list) -> bool:
        from analyzer.review.findings import evaluate

        for cond in conditions:
            if isinstance(cond, str):
                if not self.named()[cond]:
                    return False
            elif not evaluate(cond, self.attributes()):
                return False
        return True


# ------------------------------------------------------------------ applying


def _more_severe(a: Severity, b: Severity | None) -> Severity:
    return b if b is not None and Severity(b).rank < Severity(a).rank else a


def _zh_rationale(own: str | None, t: Tightening, overlay_id: str) -> str | None:
    """The Chinese rationale after the tightening ``t``: the rule's own and the tightening's, or
    None when either lacks Chinese (the English then shows both)."""
    added = t.zh.rationale if t.zh is not None else None
    return f"{own}\n\n司法辖区规则 {overlay_id}：{added}" if own and added else None


def _zh_checks(own: list, count: int, t: Tightening) -> list:
    """The Chinese messages of ``count`` checks followed by those of the tightening's checks."""
    added = list(t.zh.checks) if t.zh is not None else []
    return (list(own) + [None] * count)[:count] + (added + [None] * len(t.checks))[: len(t.checks)]


def tighten_rule(rule: Rule, t: Tightening, overlay_id: str) -> Rule:
    """``rule`` with the tightening ``t`` of overlay ``overlay_id`` applied."""
    upd: dict[str, Any] = {"rationale": f"{rule.rationale}\n\nOverlay {overlay_id}: {t.rationale}",
                           "severity": _more_severe(rule.severity, t.severity)}
    if t.requirement == "required" and rule.requirement == "recommended":
        upd["requirement"] = "required"
    if t.checks:
        upd["checks"] = list(rule.checks) + list(t.checks)
    zh = rule.zh.model_dump(exclude_unset=True) if rule.zh is not None else {}
    if zh or t.zh is not None:
        zh["rationale"] = _zh_rationale(zh.get("rationale"), t, overlay_id)
        if t.checks:
            zh["checks"] = _zh_checks(zh.get("checks", []), len(rule.checks), t)
    if t.preferred:
        upd["preferred"] = t.preferred
        zh["preferred"] = t.zh.preferred if t.zh is not None else None  # the rule's Chinese says something else
    if t.fallback:
        upd["fallback"] = t.fallback
        zh["fallback"] = t.zh.fallback if t.zh is not None else None
    if zh:
        upd["zh"] = ZhText(**zh)
    if t.attribute_scope:
        upd["attribute_scope"] = t.attribute_scope
    if rule.by_perspective:
        overrides = {}
        for persp, ov in rule.by_perspective.items():
            change: dict[str, Any] = {}
            if ov.checks is not None and t.checks:
                change["checks"] = list(ov.checks) + list(t.checks)
            if ov.severity is not None:
                change["severity"] = _more_severe(ov.severity, t.severity)
            if ov.requirement == "recommended" and t.requirement == "required":
                change["requirement"] = "required"
            if ov.rationale:
                change["rationale"] = f"{ov.rationale}\n\nOverlay {overlay_id}: {t.rationale}"
            ov_zh = ov.zh.model_dump(exclude_unset=True) if ov.zh is not None else {}
            if "checks" in change:
                ov_zh["checks"] = _zh_checks(ov_zh.get("checks", []), len(ov.checks), t)
            if "rationale" in change:
                ov_zh["rationale"] = _zh_rationale(ov_zh.get("rationale"), t, overlay_id)
            if ov_zh and ("checks" in change or "rationale" in change):
                change["zh"] = ZhText(**ov_zh)
            overrides[persp] = ov.model_copy(update=change) if change else ov
        upd["by_perspective"] = overrides
    return rule.model_copy(update=upd)


def apply_overlays(pb: Playbook, overlays: Sequence[Overlay], report) -> tuple[Playbook, list[str]]:
    """``pb`` with ``overlays`` applied in order for the contract in ``report``, and the ids of the
    overlay rules whose ``only_if`` the contract does not meet. A change that a shared file makes
    is applied once, however many of the overlays include it."""
    rules = list(pb.rules)
    facts = Facts(report)
    done: set[tuple] = set()
    skipped: list[str] = []
    for ov in overlays:
        for entry in ov.entries:
            key = (entry.origin, entry.op, entry.seq)
            if key in done:
                continue
            done.add(key)
            item = entry.item
            index = next((i for i, r in enumerate(rules) if r.id == item.id), None)
            if entry.op != "add" and index is None:
                continue  # the playbook has no such rule
            if not facts.hold(item.only_if):
                if entry.op == "add":
                    skipped.append(item.id)
                continue
            if entry.op == "tighten":
                rules[index] = tighten_rule(rules[index], item, ov.id)
            elif index is None:
                rules.append(item.as_rule())
            else:
                rules[index] = item.as_rule()
    if not overlays:
        return pb, skipped
    return pb.model_copy(update={"rules": rules}), skipped


def touched_rule_ids(overlays: Sequence[Overlay]) -> set[str]:
    """Ids of the rules the overlays add, replace or tighten."""
    return {e.item.id for ov in overlays for e in ov.entries}


# ------------------------------------------------------------------ suggestions


def _region(text: str | None) -> str | None:
    """The overlay a place name points to: cn (China), eu or us; None for anything else."""
    if not text:
        return None
    country = country_of(text)
    if country == "China":
        return "cn"
    if country == "United States":
        return "us"
    if country in _EU_COUNTRIES or _EU.search(text):
        return "eu"
    return None


def technology_origin(report) -> tuple[str, str] | None:
    """(region, wording) where the contract says where its technology comes from, else None."""
    text = report.text or ""
    for rx in (_ORIGIN_TAG, _ORIGIN):
        for m in rx.finditer(text):
            region = _region(m.group("place"))
            if region:
                return region, " ".join(m.group(0).split())[:120]
    return None


def suggest_overlays(report, applied: Iterable[str] = ()) -> list[OverlaySuggestion]:
    """The overlays that fit ``report``: its governing law, its parties' seats and its technology's
    origin point to China (cn-outbound for a Chinese licensor or Chinese technology, cn-inbound
    for a Chinese licensee or a Sino-foreign JV), the EU or the US. Never applied here."""
    applied = set(applied)
    reasons: dict[str, list[str]] = {}

    def add(oid: str, why: str) -> None:
        if why not in reasons.setdefault(oid, []):
            reasons[oid].append(why)

    j = detect(report)
    origin = technology_origin(report)
    undirected: list[str] = []
    for party, window in zip(report.parties or [], party_windows(report)):
        region = _region(window)
        name = _clip(party.name, 80)
        role = (party.role or "").lower()
        if region == "cn":
            if role in ("licensor", "transferor", "supplier", "seller"):
                add("cn-outbound", f"the {role} {name} is established in China")
            elif role in ("licensee", "transferee", "buyer", "customer", "recipient"):
                add("cn-inbound", f"the {role} {name} is established in China")
            else:
                undirected.append(f"{name} is established in China")
        elif region == "eu":
            add("eu", f"{name} is established in the EU")
        elif region == "us":
            add("us", f"{name} is established in the United States")
    if j.sino_foreign_jv:
        add("cn-inbound", "a Sino-foreign joint venture contract")
    law_region = _region(j.governing_law)
    if law_region == "cn":
        undirected.append("the governing law is PRC law")
    elif law_region == "eu":
        add("eu", f"the governing law is the law of {j.governing_law}")
    elif law_region == "us":
        add("us", "the governing law is the law of a US state")
    if origin:
        region, wording = origin
        oid = {"cn": "cn-outbound", "eu": "eu", "us": "us"}[region]
        add(oid, f"technology origin: “{wording}”")
    if undirected and not ({"cn-outbound", "cn-inbound"} & set(reasons)):
        targets = ["cn-outbound"] if origin and origin[0] == "cn" else (
            ["cn-inbound"] if any(c and c != "China" for c in j.party_countries) else ["cn-outbound", "cn-inbound"])
        for oid in targets:
            for why in undirected:
                add(oid, why)
    elif undirected:
        for oid in {"cn-outbound", "cn-inbound"} & set(reasons):
            for why in undirected:
                add(oid, why)
    if _PERSONAL.search(report.text or "") and re.search(r"\bGDPR\b|2016/679", report.text or ""):
        add("eu", "the contract refers to the GDPR")
    order = ["cn-outbound", "cn-inbound", "eu", "us"]
    return [OverlaySuggestion(id=oid, reasons=reasons[oid], applied=oid in applied)
            for oid in sorted(reasons, key=lambda o: order.index(o) if o in order else len(order))]


if __name__ == "__main__":  # python -m analyzer.review.overlays: rewrite clause_library/overlays/schema.json
    print(write_schema())
