"""Playbooks: strict, versioned YAML rule sets keyed to an agreement type and a perspective.

A playbook (``kind: playbook``) lists rules; it may ``include`` rule sets
(``kind: ruleset``, files whose name starts with ``_``) that hold rules shared
by several playbooks. A playbook rule with the same id as an included rule
replaces it. Every rule names a category from ``analyzer.taxonomy``, a
requirement, declarative checks on the clause's attributes (see
``analyzer.attributes.Attributes``), a severity, a rationale and preferred and
fallback language whose ``{placeholders}`` are filled from the contract.

``load_playbook`` raises ``PlaybookError`` whose ``errors`` are ``"[loc] msg"``
lines; ``resolve_playbook`` picks a playbook from an id, a path or the
detected agreement type.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

import yaml
from pydantic import AfterValidator, BeforeValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from .attributes import ATTRIBUTE_NAMES, allowed_values
from .errors import PlaybookError
from .placeholders import PLACEHOLDERS
from .taxonomy import ALL_CATEGORIES

PLAYBOOK_SCHEMA_VERSION = "1"
LIBRARY_DIR = Path(os.environ.get("ANALYZER_CLAUSE_LIBRARY", Path(__file__).resolve().parent.parent / "clause_library"))
SCHEMA_PATH = LIBRARY_DIR / "schema.json"

# agreement_type.label -> playbook id (anything else: the licence playbook)
DEFAULT_BY_AGREEMENT_TYPE = {
    "license": "tech-license",
    "jv": "joint-venture",
    "collaboration": "rd-collaboration",
    "development": "rd-collaboration",
    "nda": "nda",
}
FALLBACK_PLAYBOOK = "tech-license"

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _check_category(value: str) -> str:
    if value not in ALL_CATEGORIES:
        raise ValueError(f"unknown category '{value}' (see analyzer/taxonomy.py)")
    return value


def _check_attribute(value: str) -> str:
    if value not in ATTRIBUTE_NAMES:
        raise ValueError(f"unknown attribute '{value}' (known: {', '.join(sorted(ATTRIBUTE_NAMES))})")
    return value


def _check_template(value: Optional[str]) -> Optional[str]:
    if value is None:
        return value
    unknown = sorted({m for m in _PLACEHOLDER.findall(value) if m not in PLACEHOLDERS})
    if unknown:
        raise ValueError(f"unknown placeholder(s) {', '.join('{' + u + '}' for u in unknown)} "
                         f"(known: {', '.join(sorted(PLACEHOLDERS))})")
    return value


Category = Annotated[str, AfterValidator(_check_category), Field(json_schema_extra={"enum": ALL_CATEGORIES})]
AttributeName = Annotated[str, AfterValidator(_check_attribute), Field(json_schema_extra={"enum": sorted(ATTRIBUTE_NAMES)})]
Template = Annotated[Optional[str], AfterValidator(_check_template)]
Severity = Literal["high", "medium", "low"]
Requirement = Literal["required", "recommended", "must_not_have"]
Perspective = Literal["licensor", "licensee", "partner", "neutral"]
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
                raise ValueError(f"value {bad[0]!r} is not a value of '{self.attribute}' ({', '.join(map(str, allowed))})")
        return self


class Check(Condition):
    """One test on an extracted attribute. A failing check gives a finding of ``kind``."""

    kind: Literal["deviation", "risk"] = "deviation"
    message: str = Field(description="what is wrong when the check fails, in one line")
    severity: Optional[Severity] = None
    perspectives: Optional[list[Perspective]] = Field(None, description="perspectives the check applies to (default: all)")
    action: Literal["replace", "delete"] = "replace"
    preferred: Template = Field(None, description="replacement language for this check (default: the rule's)")
    when: list[Condition] = Field(default_factory=list, description="the check applies only when all these hold")


class RuleOverride(_Strict):
    """Perspective-specific changes to a rule."""

    requirement: Optional[Requirement] = None
    severity: Optional[Severity] = None
    rationale: Optional[str] = None
    preferred: Template = None
    fallback: Template = None
    checks: Optional[list[Check]] = None


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    category: Category
    also_categories: list[Category] = Field(default_factory=list, description="other categories whose clauses satisfy the rule")
    requirement: Requirement
    severity: Severity
    perspectives: Optional[list[Perspective]] = Field(None, description="perspectives the rule applies to (default: all)")
    checks: list[Check] = Field(default_factory=list)
    rationale: str
    preferred: Template = None
    fallback: Template = None
    insert_after: list[Category] = Field(default_factory=list, description="insert missing language after a clause of these categories")
    attribute_scope: Literal["evidence", "document"] = Field(
        "evidence", description="read the checked attributes from the clause's evidence, or from the whole document "
                                "(for agreements that are all about one topic, such as an NDA)")
    by_perspective: dict[Perspective, RuleOverride] = Field(default_factory=dict)

    def applies_to(self, perspective: str) -> bool:
        return self.perspectives is None or perspective in self.perspectives

    def for_perspective(self, perspective: str) -> "Rule":
        """The rule as seen from ``perspective`` (overrides merged in)."""
        ov = self.by_perspective.get(perspective)
        if ov is None:
            return self
        changes = {k: v for k, v in ov.model_dump(exclude_none=True).items()}
        if ov.checks is not None:
            changes["checks"] = ov.checks
        return self.model_copy(update=changes)

    @model_validator(mode="after")
    def _language(self) -> "Rule":
        if self.requirement != "must_not_have" and not self.preferred:
            raise ValueError("a required or recommended rule needs preferred language")
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
    includes: list[str] = Field(default_factory=list, description="rule-set files in the same folder")
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
            raise ValueError(f"duplicate rule id(s): {', '.join(dup)}")
        unknown = sorted(set(self.defaults) - set(PLACEHOLDERS))
        if unknown:
            raise ValueError(f"defaults name unknown placeholder(s): {', '.join(unknown)}")
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


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(json_schema_text(), encoding="utf-8")
    return path


def _loc(loc: tuple) -> str:
    # drop the discriminator tag pydantic inserts ("playbook"/"ruleset") after the root
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("playbook", "ruleset"):
        parts = parts[1:]
    return ".".join(parts) or "(root)"


def _format_errors(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"[{_loc(err['loc'])}] {msg}")
    return out


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlaybookError(path, ["[file] not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(path, [f"[file] cannot be read: {exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "yaml"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PlaybookError(path, [f"[{where}] YAML syntax error: {problem}"]) from None
    if not isinstance(data, dict):
        raise PlaybookError(path, ["[(root)] a playbook must be a YAML mapping"])
    return data


def _validate_file(path: Path) -> Union[Playbook, RuleSet]:
    data = _read_yaml(path)
    data.setdefault("kind", "playbook")
    try:
        return _FILE_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise PlaybookError(path, _format_errors(exc)) from None


def load_playbook(path: Union[str, Path]) -> Playbook:
    """Load and validate a playbook YAML (with its included rule sets)."""
    path = Path(path)
    pb = _validate_file(path)
    if isinstance(pb, RuleSet):
        raise PlaybookError(path, ["[kind] this is a rule set; include it from a playbook"])
    own = {r.id for r in pb.rules}
    included: list[Rule] = []
    errors: list[str] = []
    for i, name in enumerate(pb.includes):
        try:
            inc = _validate_file(path.parent / name)
        except PlaybookError as exc:
            errors += [f"[includes.{i}] {name}: {e}" for e in exc.errors]
            continue
        if not isinstance(inc, RuleSet):
            errors.append(f"[includes.{i}] {name} is a playbook, not a rule set")
            continue
        included += inc.rules
    known = {r.id for r in included} | own
    errors += [f"[exclude_rules.{i}] unknown rule id '{rid}'" for i, rid in enumerate(pb.exclude_rules) if rid not in known]
    rules = pb.rules + [r for r in included if r.id not in own and r.id not in pb.exclude_rules]
    for r in pb.rules:  # included rules may speak of perspectives this playbook lacks: ignored
        bad = [p for p in (r.perspectives or []) + list(r.by_perspective) if p not in pb.perspectives]
        if bad:
            errors.append(f"[rules.{r.id}.perspectives] perspective(s) {', '.join(sorted(set(bad)))} not declared by the playbook")
    if errors:
        raise PlaybookError(path, errors)
    return pb.model_copy(update={"rules": rules, "includes": [], "exclude_rules": []})


def list_playbooks(directory: Path = LIBRARY_DIR) -> list[dict]:
    """Id, title, version, agreement types and perspectives of every shipped playbook."""
    out = []
    for p in sorted(Path(directory).glob("*.yaml")):
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


def _find_by_id(pid: str, directory: Path = LIBRARY_DIR) -> Optional[Path]:
    for p in sorted(Path(directory).glob("*.yaml")):
        if p.name.startswith("_"):
            continue
        if p.stem == pid:
            return p
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("id") == pid:
            return p
    return None


def resolve_playbook(spec: Union[None, str, Path, Playbook], agreement_type=None) -> Playbook:
    """A ``Playbook`` from ``spec``: None (chosen from ``agreement_type``), an id, a path or a Playbook."""
    if isinstance(spec, Playbook):
        return spec
    if spec is None:
        label = getattr(agreement_type, "label", agreement_type)
        spec = DEFAULT_BY_AGREEMENT_TYPE.get(label or "", FALLBACK_PLAYBOOK)
    spec_str = str(spec)
    path = Path(spec_str)
    if path.suffix.lower() in (".yaml", ".yml") or path.is_file():
        return _cached_load(str(path), path.stat().st_mtime_ns) if path.is_file() else load_playbook(path)
    found = _find_by_id(spec_str)
    if found is None:
        ids = ", ".join(p["id"] for p in list_playbooks())
        raise PlaybookError(spec_str, [f"[playbook] unknown playbook id (shipped: {ids})"])
    return _cached_load(str(found), found.stat().st_mtime_ns)


if __name__ == "__main__":  # python -m analyzer.playbook: rewrite clause_library/schema.json
    print(write_schema())
