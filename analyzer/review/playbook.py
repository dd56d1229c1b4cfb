"""Playbooks: strict, versioned YAML rule sets keyed to an agreement type and a perspective.

A playbook (``kind: playbook``) lists rules; it may ``include`` rule sets
(``kind: ruleset``, files whose name starts with ``_``) that hold rules shared
by several playbooks. A playbook rule with the same id as an included rule
replaces it. Every rule names a category from ``analyzer.core.taxonomy``, a
requirement, declarative checks on the clause's attributes (see
``analyzer.review.attributes.Attributes``), a severity, a rationale and preferred and
fallback language whose ``{placeholders}`` are filled from the contract.

``load_playbook`` raises ``PlaybookError`` whose ``errors`` are ``"[loc] msg"``
lines; ``load_playbook_bytes`` loads an uploaded playbook; ``resolve_playbook``
picks a playbook from an id, a path or the detected agreement type.

Limits: a playbook or rule-set file is a regular file of at most
``MAX_PLAYBOOK_BYTES``; its YAML nests at most ``MAX_YAML_DEPTH`` levels and
holds at most ``MAX_YAML_NODES`` nodes (aliases expanded); a playbook includes
at most ``MAX_INCLUDES`` rule sets, each named by a plain file name and found in
the playbook's own folder or the clause library (``library_dir()``); an uploaded
playbook includes from the clause library only. Error messages quote at most a
short, escaped excerpt of the playbook itself and nothing of an included file.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Optional, Union

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from analyzer.core.errors import NotFound, NotRegularFile, PlaybookError, TooLarge
from analyzer.core.schema import Severity
from analyzer.core.settings import library_dir
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.ingest import read_regular
from analyzer.review.attributes import ATTRIBUTE_NAMES, allowed_values
from analyzer.review.placeholders import PLACEHOLDERS

PLAYBOOK_SCHEMA_VERSION = "1"

MAX_PLAYBOOK_BYTES = 1024 * 1024  # per playbook or rule-set file, uploads included
MAX_YAML_DEPTH = 50  # nested mappings/sequences
MAX_YAML_NODES = 100_000  # YAML nodes in one file, aliases expanded
MAX_INCLUDES = 20
YAML_SUFFIXES = (".yaml", ".yml")

# agreement_type.label -> playbook id (anything else: the licence playbook)
DEFAULT_BY_AGREEMENT_TYPE = {
    "license": "tech-license",
    "jv": "joint-venture",
    "collaboration": "rd-collaboration",
    "development": "rd-collaboration",
    "nda": "nda",
    "services": "saas-services",
    "distribution": "supply-manufacturing",
}
# agreement_type.subtype -> playbook id, for services, distribution and unrecognised agreements
DEFAULT_BY_SUBTYPE = {"supply": "supply-manufacturing", "services": "saas-services"}
FALLBACK_PLAYBOOK = "tech-license"
# a licence whose title names trademarks or a brand (agreement_type.subtype "trademark")
TRADEMARK_PLAYBOOK = "trademark-brand-license"

# Conditions a rule may be limited to (``applies_if``), evaluated on the report.
RULE_CONDITIONS = ("grants_licence", "grants_patent_licence", "joint_committee")
_GRANT_WORDING = re.compile(r"(?:hereby\s+grants?|grants?\s+to|is\s+(?:hereby\s+)?granted)\b[^.;]{0,200}?\blicen[cs]e",
                            re.IGNORECASE)

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _clip(value: Any, limit: int = 40) -> str:
    """``value`` as a short single-line excerpt: non-printable characters escaped, cut at ``limit``."""
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _check_category(value: str) -> str:
    if value not in ALL_CATEGORIES:
        raise ValueError(f"unknown category '{_clip(value)}' (see analyzer/taxonomy.py)")
    return value


def _check_attribute(value: str) -> str:
    if value not in ATTRIBUTE_NAMES:
        raise ValueError(f"unknown attribute '{_clip(value)}' (known: {', '.join(sorted(ATTRIBUTE_NAMES))})")
    return value


def _check_template(value: Optional[str]) -> Optional[str]:
    if value is None:
        return value
    unknown = sorted({m for m in _PLACEHOLDER.findall(value) if m not in PLACEHOLDERS})
    if unknown:
        shown = ", ".join("{" + _clip(u) + "}" for u in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise ValueError(f"unknown placeholder(s) {shown} (known: {', '.join(sorted(PLACEHOLDERS))})")
    return value


Category = Annotated[str, AfterValidator(_check_category), Field(json_schema_extra={"enum": ALL_CATEGORIES})]
AttributeName = Annotated[str, AfterValidator(_check_attribute), Field(json_schema_extra={"enum": sorted(ATTRIBUTE_NAMES)})]
Template = Annotated[Optional[str], AfterValidator(_check_template)]
Requirement = Literal["required", "recommended", "must_not_have"]
Perspective = Literal["licensor", "licensee", "partner", "neutral"]
# whose interest a rule's language protects
Protects = Literal["licensor", "licensee", "partner", "both"]
def _op_from_yaml(v):
    # YAML reads an unquoted true/false as a boolean
    return str(v).lower() if isinstance(v, bool) else v


OpName = Literal["present", "absent", "true", "false", "equals", "not_equals", "in", "not_in",
             "gte", "lte", "contains", "not_contains"]
Op = Annotated[OpName, BeforeValidator(_op_from_yaml)]
Scalar = Union[bool, int, float, str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Condition(_Strict):
    """A test on an attribute; ``value`` as for ``Check``."""

    attribute: AttributeName
    op: Op
    value: Optional[Union[Scalar, list[Scalar]]] = None

    @model_validator(mode="after")
    def _value_fits_op(self):
        needs_value = self.op not in ("present", "absent", "true", "false")
        if needs_value and self.value is None:
            raise ValueError(f"op '{self.op}' needs a value")
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"op '{self.op}' needs a list value")
        if self.op in ("gte", "lte") and (isinstance(self.value, bool) or not isinstance(self.value, (int, float))):
            raise ValueError(f"op '{self.op}' needs a number")
        allowed = allowed_values(self.attribute)
        values = self.value if isinstance(self.value, list) else [self.value]
        if allowed and self.value is not None:
            bad = [v for v in values if v not in allowed and not isinstance(v, bool)]
            if bad:
                raise ValueError(f"value {_clip(repr(bad[0]))} is not a value of '{self.attribute}' "
                                 f"({', '.join(map(str, allowed))})")
        return self


class CheckZhText(_Strict):
    """The Chinese text of a check's own language."""

    preferred: Template = None


class Check(Condition):
    """One test on an extracted attribute. A failing check gives a finding of ``kind``."""

    kind: Literal["deviation", "risk"] = "deviation"
    message: str = Field(description="what is wrong when the check fails, in one line")
    severity: Optional[Severity] = None
    perspectives: Optional[list[Perspective]] = Field(None, description="perspectives the check applies to (default: all)")
    protects: Optional[Protects] = Field(None, description="whose interest this check's language protects (default: the rule's)")
    action: Literal["replace", "delete", "insert"] = Field(
        "replace", description="replace the sentence that states the attribute, delete it, or insert the language "
                               "as a new clause after the clause (for terms that add to the clause)")
    preferred: Template = Field(None, description="replacement language for this check (default: the rule's)")
    when: list[Condition] = Field(default_factory=list, description="the check applies only when all these hold")
    zh: Optional[CheckZhText] = Field(None, description="the check's language in Chinese")


class ZhText(_Strict):
    """The Chinese text of a rule (or of a perspective's override), beside the English. Every field
    is optional: what is missing is shown in English."""

    title: Optional[str] = None
    rationale: Optional[str] = None
    preferred: Template = None
    fallback: Template = None
    checks: list[Optional[str]] = Field(default_factory=list, description="the checks' messages in Chinese, in the "
                                        "order of the checks")


class RuleOverride(_Strict):
    """Perspective-specific changes to a rule."""

    requirement: Optional[Requirement] = None
    severity: Optional[Severity] = None
    rationale: Optional[str] = None
    preferred: Template = None
    fallback: Template = None
    protects: Optional[Protects] = None
    checks: Optional[list[Check]] = None
    zh: Optional[ZhText] = Field(None, description="Chinese text of the overridden fields")


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    category: Category
    also_categories: list[Category] = Field(default_factory=list, description="other categories whose clauses satisfy the rule")
    requirement: Requirement
    severity: Severity
    perspectives: Optional[list[Perspective]] = Field(None, description="perspectives the rule applies to (default: all)")
    protects: Optional[Protects] = Field(
        None, description="whose interest the rule's language protects: a party (licensor, licensee, partner) or "
                          "both; language that protects the other side is never proposed to a party (default: both)")
    checks: list[Check] = Field(default_factory=list)
    rationale: str
    preferred: Template = None
    fallback: Template = None
    insert_after: list[Category] = Field(default_factory=list, description="insert missing language after a clause of these categories")
    applies_if: Optional[Literal["grants_licence", "grants_patent_licence", "joint_committee"]] = Field(
        None, description="run the rule only on a contract that meets this condition (grants_licence: the "
                          "contract grants a licence, by a licence-grant label or grant wording; grants_patent_licence: "
                          "it grants a licence and speaks of patents; joint_committee: "
                          "the contract sets up a joint committee or team of both parties)")
    report_missing: bool = Field(
        True, description="report the rule as missing when no clause of its categories is found (false for rules that "
                          "only check terms of clauses another rule requires)")
    attribute_scope: Literal["evidence", "document"] = Field(
        "evidence", description="read the checked attributes from the clause's evidence, or from the whole document "
                                "(for agreements that are all about one topic, such as an NDA)")
    by_perspective: dict[Perspective, RuleOverride] = Field(default_factory=dict)
    zh: Optional[ZhText] = Field(None, description="the rule's Chinese text (title, rationale, language, check messages)")

    def applies_to(self, perspective: str) -> bool:
        return self.perspectives is None or perspective in self.perspectives

    def burdens(self, perspective: str, check: Optional["Check"] = None) -> bool:
        """True when the rule's language (or ``check``'s) protects a party other than ``perspective``:
        proposing it would worsen that side's position. A neutral reviewer is burdened by nothing."""
        protects = (check.protects if check is not None and check.protects else None) or self.protects or "both"
        return perspective != "neutral" and protects != "both" and protects != perspective

    def for_perspective(self, perspective: str) -> "Rule":
        """The rule as seen from ``perspective`` (overrides merged in)."""
        ov = self.by_perspective.get(perspective)
        if ov is None:
            return self
        changes = {k: v for k, v in ov.model_dump(exclude_none=True).items()}
        if ov.checks is not None:
            changes["checks"] = ov.checks
        changes["zh"] = self._zh_for(ov)
        return self.model_copy(update=changes)

    def _zh_for(self, ov: RuleOverride) -> Optional[ZhText]:
        """The Chinese text under ``ov``: the override's, else the rule's, except where the override
        changes the English and gives no Chinese for it (the rule's Chinese would say something else)."""
        zh = self.zh.model_dump() if self.zh is not None else {}
        for name in ("rationale", "preferred", "fallback"):
            if getattr(ov, name) is not None:
                zh[name] = None
        if ov.checks is not None:
            zh["checks"] = []
        if ov.zh is not None:
            zh.update(ov.zh.model_dump(exclude_unset=True))
        return ZhText(**zh) if zh else None

    @model_validator(mode="after")
    def _language(self) -> "Rule":
        if self.requirement != "must_not_have" and not self.preferred:
            raise ValueError("a required or recommended rule needs preferred language")
        if self.zh is not None and len(self.zh.checks) > len(self.checks):
            raise ValueError(f"zh.checks has {len(self.zh.checks)} messages for {len(self.checks)} checks")
        return self


class RuleSet(_Strict):
    """Rules shared by several playbooks (included by file name)."""

    kind: Literal["ruleset"]
    schema_version: Literal["1"]
    id: str
    version: str
    description: str = ""
    rules: list[Rule]


class Playbook(_Strict):
    kind: Literal["playbook"] = "playbook"
    schema_version: Literal["1"]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    version: str
    title: str
    description: str = ""
    agreement_types: list[Literal["license", "jv", "collaboration", "development", "nda", "distribution", "services", "other"]]
    perspectives: list[Perspective]
    default_perspective: Perspective
    includes: list[str] = Field(default_factory=list, max_length=MAX_INCLUDES,
                                description="rule-set file names, found in the playbook's folder or the clause library")
    exclude_rules: list[str] = Field(default_factory=list, description="ids of included rules to drop")
    defaults: dict[str, str] = Field(default_factory=dict, description="default values for placeholders")
    rules: list[Rule]

    @model_validator(mode="after")
    def _consistent(self) -> "Playbook":
        if self.default_perspective not in self.perspectives:
            raise ValueError(f"default_perspective '{self.default_perspective}' is not in perspectives")
        ids = [r.id for r in self.rules]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate rule id(s): {', '.join(_clip(d) for d in dup[:5])}{', …' if len(dup) > 5 else ''}")
        unknown = sorted(set(self.defaults) - set(PLACEHOLDERS))
        if unknown:
            raise ValueError(f"defaults name unknown placeholder(s): "
                             f"{', '.join(_clip(u) for u in unknown[:5])}{', …' if len(unknown) > 5 else ''}")
        return self

    def rules_for(self, perspective: str) -> list[Rule]:
        """Rules that apply to ``perspective``, with its overrides merged, in file order."""
        return [r.for_perspective(perspective) for r in self.rules if r.applies_to(perspective)]


PlaybookFile = Annotated[Union[Playbook, RuleSet], Field(discriminator="kind")]
_FILE_ADAPTER: TypeAdapter = TypeAdapter(PlaybookFile)


def json_schema() -> dict:
    """JSON schema of a playbook or rule-set file (written to clause_library/schema.json)."""
    schema = _FILE_ADAPTER.json_schema()
    schema["title"] = "Clause analyzer playbook"
    schema["$id"] = "clause_library/schema.json"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def schema_path() -> Path:
    """The clause library's ``schema.json``."""
    return library_dir() / "schema.json"


def write_schema(path: Optional[Path] = None) -> Path:
    """Write the JSON schema to ``path`` (default: the clause library's ``schema.json``)."""
    path = Path(path) if path is not None else schema_path()
    path.write_text(json_schema_text(), encoding="utf-8")
    return path


def __getattr__(name: str):
    """``LIBRARY_DIR`` and ``SCHEMA_PATH``, looked up in the settings when they are asked for."""
    if name == "LIBRARY_DIR":
        return library_dir()
    if name == "SCHEMA_PATH":
        return schema_path()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_FIELD_NAMES = frozenset().union(*(m.model_fields for m in (Condition, Check, RuleOverride, Rule, RuleSet, Playbook)))


def _loc(loc: tuple, *, known_only: bool = False) -> str:
    """``loc`` as ``a.0.b``. Keys that come from the file are clipped; with ``known_only`` they are ``?``."""
    # drop the discriminator tag pydantic inserts ("playbook"/"ruleset") after the root
    parts = list(loc)
    if parts and parts[0] in ("playbook", "ruleset"):
        parts = parts[1:]
    out = []
    for p in parts:
        if isinstance(p, int):
            out.append(str(p))
        elif known_only:
            out.append(p if p in _FIELD_NAMES else "?")
        else:
            out.append(_clip(p))
    return ".".join(out) or "(root)"


def _format_errors(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False, include_input=False, include_context=False):
        msg = " ".join(err["msg"].removeprefix("Value error, ").split())
        out.append(f"[{_loc(err['loc'])}] {_clip(msg, 2000)}")
    return out


class _FileProblem(Exception):
    """A playbook file could not be read or parsed; ``where`` is a location, ``str`` the reason.

    ``quotes_file`` marks a reason that quotes (a clipped excerpt of) the file's text.
    """

    def __init__(self, reason: str, where: str = "file", *, quotes_file: bool = False):
        super().__init__(reason)
        self.where = where
        self.quotes_file = quotes_file


def _read_bytes(path: Path, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``MAX_PLAYBOOK_BYTES``
    (``analyzer.ingest.read_regular``), or ``_FileProblem`` with a reason that quotes nothing
    from the file."""
    try:
        return read_regular(path, max_bytes=MAX_PLAYBOOK_BYTES, follow_symlinks=follow_symlinks)
    except NotFound:
        raise _FileProblem("not found") from None
    except NotRegularFile:
        raise _FileProblem("not a regular file") from None
    except TooLarge:
        raise _FileProblem(f"over the {MAX_PLAYBOOK_BYTES:,}-byte limit") from None
    except (OSError, ValueError) as exc:
        raise _FileProblem(f"cannot be read ({getattr(exc, 'strerror', None) or type(exc).__name__})") from None


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses documents nested deeper than ``MAX_YAML_DEPTH`` while composing."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _FileProblem(f"YAML nested deeper than {MAX_YAML_DEPTH} levels", _where(self.peek_event().start_mark))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "yaml"


def _check_graph(root: yaml.Node) -> None:
    """Refuse a node graph whose aliases expand beyond ``MAX_YAML_DEPTH`` levels or ``MAX_YAML_NODES`` nodes."""
    done: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded size, height)
    active: set[int] = set()

    def visit(node: yaml.Node, level: int) -> tuple[int, int]:
        key = id(node)
        if key in active:
            raise _FileProblem("recursive YAML alias", _where(node.start_mark))
        if key in done:
            size, height = done[key]
        else:
            if level > MAX_YAML_DEPTH:
                raise _FileProblem(f"YAML nested deeper than {MAX_YAML_DEPTH} levels", _where(node.start_mark))
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = node.value
            else:
                children = []
            active.add(key)
            size, height = 1, 1
            for child in children:
                s, h = visit(child, level + 1)
                size, height = size + s, max(height, h + 1)
                if size > MAX_YAML_NODES:
                    raise _FileProblem(f"YAML has more than {MAX_YAML_NODES:,} nodes (aliases expanded)")
            active.discard(key)
            done[key] = (size, height)
        if level - 1 + height > MAX_YAML_DEPTH:
            raise _FileProblem(f"YAML nested deeper than {MAX_YAML_DEPTH} levels (aliases expanded)",
                               _where(node.start_mark))
        return size, height

    visit(root, 1)


def _parse_yaml(data: bytes) -> Any:
    """The YAML mapping in ``data`` (bounded in size, depth and node count), or ``_FileProblem``."""
    if len(data) > MAX_PLAYBOOK_BYTES:
        raise _FileProblem(f"{len(data):,} bytes, over the {MAX_PLAYBOOK_BYTES:,}-byte limit")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _FileProblem("not UTF-8 text") from None
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _FileProblem("a playbook must be a YAML mapping", "(root)")
        _check_graph(node)
        result = loader.construct_document(node)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise _FileProblem(f"YAML syntax error: {_clip(problem, 80)}", _where(getattr(exc, "problem_mark", None)),
                           quotes_file=True) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise _FileProblem(f"YAML value cannot be read ({type(exc).__name__})") from None
    finally:
        loader.dispose()
    if not isinstance(result, dict):
        raise _FileProblem("a playbook must be a YAML mapping", "(root)")
    return result


def _read_yaml(path: Path) -> Any:
    try:
        return _parse_yaml(_read_bytes(path))
    except _FileProblem as exc:
        raise PlaybookError(path, [f"[{exc.where}] {exc}"]) from None


def _validate(data: dict, source: Union[str, Path]) -> Union[Playbook, RuleSet]:
    data.setdefault("kind", "playbook")
    try:
        return _FILE_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise PlaybookError(source, _format_errors(exc)) from None


def _validate_file(path: Path) -> Union[Playbook, RuleSet]:
    return _validate(_read_yaml(path), path)


def _include_path(name: str, folders: list[Path]) -> Path:
    """The rule-set file ``name`` (a plain file name) in the first of ``folders`` that has it."""
    if (not name or name in (".", "..") or any(c in name for c in "/\\\0:") or os.path.isabs(name)
            or Path(name).name != name or Path(name).suffix.lower() not in YAML_SUFFIXES):
        raise _FileProblem("not a plain .yaml file name (an include names a rule set in the playbook's folder "
                           "or the clause library)")
    roots = []
    for folder in folders:
        try:
            roots.append(Path(folder).resolve())
        except (OSError, RuntimeError):
            continue
    for root in roots:
        candidate = root / name
        if not os.path.lexists(candidate):
            continue
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            raise _FileProblem("a broken or looping symbolic link") from None
        if not any(real.is_relative_to(r) for r in roots):
            raise _FileProblem("a link that resolves outside the playbook's folder and the clause library")
        return real
    try:
        library = library_dir().resolve()
    except (OSError, RuntimeError):
        library = None
    if roots == [library]:
        where = "the clause library"
    elif library in roots:
        where = "the playbook's folder or the clause library"
    else:
        where = "the include folders"
    raise _FileProblem(f"not found in {where}")


def _load_included(name: str, folders: list[Path]) -> RuleSet:
    """The rule set ``name``; ``_FileProblem`` with a reason that quotes nothing of the file."""
    raw = _read_bytes(_include_path(name, folders), follow_symlinks=False)
    try:
        data = _parse_yaml(raw)
    except _FileProblem as exc:
        if exc.where == "(root)":
            detail = "not a YAML mapping"
        else:
            detail = "YAML syntax error" if exc.quotes_file else str(exc)
            detail += "" if exc.where == "file" else f" at {exc.where}"
        raise _FileProblem(f"not a valid rule set ({detail})") from None
    if data.get("kind", "playbook") == "playbook":
        raise _FileProblem("a playbook, not a rule set")
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        errs = exc.errors(include_url=False, include_input=False, include_context=False)
        raise _FileProblem(f"not a valid rule set ({len(errs)} problem(s), the first at "
                           f"{_loc(errs[0]['loc'], known_only=True)})") from None


def _build(pb: Playbook, source: Union[str, Path], folders: list[Path]) -> Playbook:
    """``pb`` with its included rule sets merged in."""
    own = {r.id for r in pb.rules}
    included: list[Rule] = []
    errors: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(pb.includes):
        shown = _clip(name, 60)
        if name in seen:
            errors.append(f"[includes.{i}] {shown}: included twice")
            continue
        seen.add(name)
        try:
            inc = _load_included(name, folders)
        except _FileProblem as exc:
            errors.append(f"[includes.{i}] {shown}: {exc}")
            continue
        included += inc.rules
    known = {r.id for r in included} | own
    errors += [f"[exclude_rules.{i}] unknown rule id '{_clip(rid)}'" for i, rid in enumerate(pb.exclude_rules)
               if rid not in known]
    rules = pb.rules + [r for r in included if r.id not in own and r.id not in pb.exclude_rules]
    for r in pb.rules:  # included rules may speak of perspectives this playbook lacks: ignored
        bad = [p for p in (r.perspectives or []) + list(r.by_perspective) if p not in pb.perspectives]
        if bad:
            errors.append(f"[rules.{r.id}.perspectives] perspective(s) {', '.join(sorted(set(bad)))} not declared by the playbook")
        sides = [r.protects, *(c.protects for c in r.checks),
                 *(x for ov in r.by_perspective.values() for x in (ov.protects, *(c.protects for c in ov.checks or [])))]
        bad = sorted({p for p in sides if p and p != "both" and p not in pb.perspectives})
        if bad:
            errors.append(f"[rules.{r.id}.protects] protects {', '.join(bad)}, not a perspective of the playbook")
    if errors:
        raise PlaybookError(source, errors)
    return pb.model_copy(update={"rules": rules, "includes": [], "exclude_rules": []})


def load_playbook(path: Union[str, Path], *, include_dirs: Optional[Iterable[Union[str, Path]]] = None) -> Playbook:
    """Load and validate a playbook YAML (with its included rule sets).

    Includes are looked up by file name in ``include_dirs``; by default the
    playbook's own folder, then the clause library.
    """
    path = Path(path)
    pb = _validate_file(path)
    if isinstance(pb, RuleSet):
        raise PlaybookError(path, ["[kind] this is a rule set; include it from a playbook"])
    folders = [path.absolute().parent, library_dir()] if include_dirs is None else [Path(d) for d in include_dirs]
    return _build(pb, path, folders)


def load_playbook_bytes(data: bytes, name: str) -> Playbook:
    """Load an uploaded playbook; its includes come from the clause library only.

    ``name`` (the upload's file name) only labels the errors.
    """
    source = _clip(Path(str(name).replace("\\", "/")).name or "playbook.yaml", 80)
    try:
        parsed = _parse_yaml(data)
    except _FileProblem as exc:
        raise PlaybookError(source, [f"[{exc.where}] {exc}"]) from None
    pb = _validate(parsed, source)
    if isinstance(pb, RuleSet):
        raise PlaybookError(source, ["[kind] this is a rule set; include it from a playbook"])
    return _build(pb, source, [library_dir()])


def list_playbooks(directory: Optional[Path] = None) -> list[dict]:
    """Id, title, version, agreement types and perspectives of every shipped playbook."""
    out = []
    for p in sorted(Path(directory or library_dir()).glob("*.yaml")):
        if p.name.startswith("_"):
            continue
        pb = _cached_load(str(p), p.stat().st_mtime_ns)
        out.append({"id": pb.id, "title": pb.title, "version": pb.version, "path": str(p),
                    "agreement_types": list(pb.agreement_types), "perspectives": list(pb.perspectives),
                    "default_perspective": pb.default_perspective})
    return out


@lru_cache(maxsize=32)
def _cached_load(path: str, _mtime: int) -> Playbook:
    return load_playbook(path)


def _find_by_id(pid: str, directory: Optional[Path] = None) -> Optional[Path]:
    """The playbook file named after ``pid``, else the first whose ``id`` is ``pid`` (read only then)."""
    files = [p for p in sorted(Path(directory or library_dir()).glob("*.yaml")) if not p.name.startswith("_")]
    named = next((p for p in files if p.stem == pid), None)
    if named is not None:
        return named
    for p in files:
        try:
            data = _parse_yaml(_read_bytes(p))
        except _FileProblem:
            continue
        if isinstance(data, dict) and data.get("id") == pid:
            return p
    return None


def default_playbook_id(agreement_type=None) -> str:
    """The playbook id for a detected agreement type (an ``AgreementType`` or a label).

    Licences, JVs, collaborations and NDAs go by their label. Services, distribution and
    unrecognised agreements go by what the contract does (``subtype``): goods supplied go to
    the supply playbook, services provided to the services playbook. A licence whose title names
    trademarks or a brand (subtype ``trademark``) goes to the trademark playbook; one whose title names
    software, a subscription or hosting and no technology (subtype ``software``), to the services playbook. A label alone
    falls back to its own default, then to ``FALLBACK_PLAYBOOK``.
    """
    label = getattr(agreement_type, "label", agreement_type) or ""
    subtype = getattr(agreement_type, "subtype", None)
    if label == "license" and subtype == "trademark":
        return TRADEMARK_PLAYBOOK
    if label == "license" and subtype == "software":
        return DEFAULT_BY_SUBTYPE["services"]
    if label in ("services", "distribution", "other") and subtype in DEFAULT_BY_SUBTYPE:
        return DEFAULT_BY_SUBTYPE[subtype]
    return DEFAULT_BY_AGREEMENT_TYPE.get(label, FALLBACK_PLAYBOOK)


def grants_licence(report) -> bool:
    """Whether the contract in ``report`` grants a licence: a flagged licence-grant label, or grant wording."""
    if any(lab.category == "license_grant" and lab.flagged for lab in getattr(report, "labels", None) or []):
        return True
    at = getattr(report, "agreement_type", None)
    if at is not None and at.grants_licence is not None:
        return bool(at.grants_licence)
    return _GRANT_WORDING.search(" ".join((getattr(report, "text", "") or "").split())) is not None


_COMMITTEE = re.compile(r"\b(?i:joint|steering|development|management|research|project|operating|executive|coordination)\s+"
                        r"(?:\w+\s+)?(?i:committee|team)\b|\b(?:JSC|JDC|JRC|JMC|JPT)\b")


_PATENT = re.compile(r"\bpatent(?:s|ed|able)?\b|\butility models?\b|专利", re.I)


def has_joint_committee(report) -> bool:
    """Whether the contract sets up a body of both parties that decides together (a joint steering,
    development or management committee or team)."""
    return _COMMITTEE.search(getattr(report, "text", "") or "") is not None


def applicable(pb: Playbook, report) -> tuple[Playbook, list[str]]:
    """``pb`` without the rules whose ``applies_if`` the report does not meet, and the ids dropped."""
    conditions = {"grants_licence": lambda: grants_licence(report),
                  "grants_patent_licence": lambda: grants_licence(report) and _PATENT.search(getattr(report, "text", "") or "") is not None,
                  "joint_committee": lambda: has_joint_committee(report)}
    cache: dict[str, bool] = {}

    def holds(cond: Optional[str]) -> bool:
        if cond is None:
            return True
        if cond not in cache:
            cache[cond] = conditions[cond]()
        return cache[cond]

    keep = [r for r in pb.rules if holds(r.applies_if)]
    dropped = [r.id for r in pb.rules if not holds(r.applies_if)]
    return (pb if not dropped else pb.model_copy(update={"rules": keep})), dropped


def resolve_playbook(spec: Union[None, str, Path, Playbook], agreement_type=None) -> Playbook:
    """A ``Playbook`` from ``spec``: None (chosen from ``agreement_type``), an id, a path or a Playbook."""
    if isinstance(spec, Playbook):
        return spec
    if spec is None:
        spec = default_playbook_id(agreement_type)
    spec_str = str(spec)
    path = Path(spec_str)
    if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
        return _cached_load(str(path), path.stat().st_mtime_ns) if path.is_file() else load_playbook(path)
    found = _find_by_id(spec_str)
    if found is None:
        ids = ", ".join(p["id"] for p in list_playbooks())
        raise PlaybookError(spec_str, [f"[playbook] unknown playbook id (shipped: {ids})"])
    return _cached_load(str(found), found.stat().st_mtime_ns)


if __name__ == "__main__":  # python -m analyzer.review.playbook: rewrite clause_library/schema.json
    print(write_schema())
