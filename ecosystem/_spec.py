"""Spec dictionaries (the content of YAML and JSON files) <-> :class:`Ecosystem`.

The same checks serve every file format: the CSV pair and GraphML/GEXF files
are first turned into member and link *records* (plain dicts) and built by
:func:`build`, so a dangling link or an unknown role reads the same way
whatever the file. Each error names the file and the place inside it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Callable, Iterable

import numpy as np
import yaml

from ._errors import ParameterError, SpecError
from ._bulk import insert_links, insert_members, paused_gc
from .graph import Ecosystem
from .taxonomy import (LINK_FIELDS, LINK_NUMERIC_ATTRIBUTES, MEMBER_FIELDS, Flow, Ring,
                       link_attribute_problem, units_problem)

__all__ = ["SPEC_VERSION", "TOP_LEVEL_KEYS", "from_spec", "to_spec", "build", "plain",
           "read_yaml", "write_yaml", "read_json", "write_json"]

#: The schema version this ecobelt reads and writes (the ``ecobelt:`` key).
SPEC_VERSION = 1
#: Every key allowed at the top of a spec.
TOP_LEVEL_KEYS = ("ecobelt", "name", "description", "attributes", "roles", "members", "links")

_RINGS = ", ".join(r.value for r in Ring)
_FLOWS = ", ".join(f.value for f in Flow)
_FLOW_VALUES = frozenset(f.value for f in Flow)

#: ``where(table, row, field) -> (file, location)``: how a format names a place.
Where = Callable[[str, int, "str | None"], "tuple[str | None, str]"]


def spec_where(file: str | None) -> Where:
    """Places named as in a spec file: ``members[3].role``, ``links[12]``."""
    def where(table: str, row: int, field: str | None) -> tuple[str | None, str]:
        return file, f"{table}[{row}]" + (f".{field}" if field else "")
    return where


# ------------------------------------------------------------------ reading
def _expect(value: Any, kind: type | tuple, what: str, file: str | None, location: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise SpecError(f"{what}, not {type(value).__name__}", file=file, location=location,
                        value=value)
    return value


def from_spec(data: Any, file: str | None = None) -> Ecosystem:
    """Build an ecosystem from a spec mapping (what a YAML or JSON spec file holds)."""
    if not isinstance(data, Mapping):
        raise SpecError("a spec must be a mapping with the keys " + ", ".join(TOP_LEVEL_KEYS)
                        + f", not {type(data).__name__}", file=file)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise SpecError("unknown top-level key; allowed: " + ", ".join(TOP_LEVEL_KEYS)
                            + " (put your own graph attributes under attributes:)",
                            file=file, location=str(key), value=key)
    if "ecobelt" not in data:
        raise SpecError(f"missing schema version: add `ecobelt: {SPEC_VERSION}` at the top",
                        file=file, location="ecobelt")
    version = data["ecobelt"]
    if version != SPEC_VERSION or isinstance(version, bool) or not isinstance(version, int):
        raise SpecError(f"unsupported schema version; this ecobelt reads version {SPEC_VERSION}",
                        file=file, location="ecobelt", value=version)
    name = _expect(data.get("name", ""), str, "name must be a string", file, "name")
    description = _expect(data.get("description", ""), str, "description must be a string",
                          file, "description")
    attributes = _expect(data.get("attributes", {}), Mapping,
                         "attributes must be a mapping of name: value", file, "attributes")
    roles = _expect(data.get("roles", {}), Mapping,
                    "roles must be a mapping of role: ring", file, "roles")
    members = _expect(data.get("members", []), list, "members must be a list", file, "members")
    links = _expect(data.get("links", []), list, "links must be a list", file, "links")
    return build(members, links, name=name, description=description, attributes=attributes,
                 roles=roles, where=spec_where(file), roles_file=file)


def _new_ecosystem(name: str, description: str, attributes: Mapping[str, Any],
                   roles: Mapping[Any, Any], file: str | None) -> Ecosystem:
    for key in attributes:
        if not isinstance(key, str) or key in ("name", "description"):
            raise SpecError("graph attribute names must be strings other than name and "
                            "description (those are top-level keys)", file=file,
                            location=f"attributes.{key}", value=key)
    if "units" in attributes:
        problem = units_problem(attributes["units"])
        if problem:
            raise SpecError(problem.removeprefix("units: "), file=file, location="attributes.units",
                            value=attributes["units"])
    eco = Ecosystem(name, description=description)
    eco.graph.graph.update(attributes)
    for role, ring in roles.items():
        try:
            if not isinstance(ring, (str, Ring)):
                raise ParameterError(f"ring must be one of: {_RINGS}")
            eco.register_role(role, ring)
        except ParameterError as error:
            raise SpecError(str(error), file=file, location=f"roles.{role}", value=ring) from None
    return eco


def build(members: Iterable[Any], links: Iterable[Any], *, name: str = "", description: str = "",
          attributes: Mapping[str, Any] | None = None, roles: Mapping[Any, Any] | None = None,
          where: Where | None = None, roles_file: str | None = None) -> Ecosystem:
    """Check member and link records and build the ecosystem (all or nothing).

    Records are mappings: members with ``id``, ``role``, optional ``ring`` and
    attributes; links with ``source``, ``target``, ``flow`` and attributes.
    ``where`` turns (table, row, field) into the (file, location) an error names.
    """
    where = where or spec_where(None)
    eco = _new_ecosystem(name, description, attributes or {}, roles or {}, roles_file)
    known_roles = eco.roles

    def fail(message: str, table: str, row: int, field: str | None, value: Any) -> SpecError:
        file, location = where(table, row, field)
        return SpecError(message, file=file, location=location, value=value)

    nodes: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    # records come from a parsed file: one Python pass over them is the minimum
    for i, record in enumerate(members):
        if type(record) is not dict and not isinstance(record, Mapping):
            raise fail("each member must be a mapping such as {id: m1, role: manufacturer}",
                       "members", i, None, record)
        member_id = record.get("id")
        if not isinstance(member_id, str) or not member_id.strip():
            hint = " (quote it)" if isinstance(member_id, (int, float)) else ""
            raise fail("member id must be a non-empty string" + hint
                       if "id" in record else "member has no id", "members", i, "id", member_id)
        if member_id in nodes:
            first = where("members", first_row[member_id], "id")[1]
            raise fail(f"duplicate member id (first at {first})", "members", i, "id", member_id)
        role = record.get("role")
        if not isinstance(role, str) or role not in known_roles:
            raise fail("unknown role; declare it under roles: {name: ring} or use one of: "
                       + ", ".join(sorted(known_roles)), "members", i, "role", role)
        ring = record.get("ring")
        if ring is None and "ring" not in record:
            ring = known_roles[role].value
        else:
            try:
                ring = Ring.coerce(ring).value
            except ParameterError:
                raise fail(f"ring must be one of: {_RINGS}", "members", i, "ring", ring) from None
        attrs = {"role": role, "ring": ring}  # the order add_member gives
        for key, value in record.items():
            if key in MEMBER_FIELDS:
                continue
            if not isinstance(key, str):
                raise fail("attribute names must be strings", "members", i, None, key)
            attrs[key] = value
        nodes[member_id] = attrs
        first_row[member_id] = i

    edges = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, record in enumerate(links):  # as above, one pass over parsed records
        if type(record) is not dict and not isinstance(record, Mapping):
            raise fail("each link must be a mapping such as {source: m1, target: p1, "
                       "flow: logistics}", "links", i, None, record)
        ends = []
        for end in ("source", "target"):
            member_id = record.get(end)
            if end not in record:
                raise fail(f"link has no {end}", "links", i, end, None)
            if not isinstance(member_id, str) or member_id not in nodes:
                raise fail("no member with this id (a dangling link)", "links", i, end,
                           member_id)
            ends.append(member_id)
        flow = record.get("flow")
        try:
            flow = flow if type(flow) is str and flow in _FLOW_VALUES else Flow.coerce(flow).value
        except ParameterError:
            raise fail(f"flow must be one of: {_FLOWS}" if "flow" in record else
                       f"link has no flow (one of: {_FLOWS})", "links", i, "flow", flow) from None
        attrs = {}
        for key, value in record.items():
            if key in LINK_FIELDS:
                continue
            if not isinstance(key, str):
                raise fail("attribute names must be strings", "links", i, None, key)
            problem = key in LINK_NUMERIC_ATTRIBUTES and not _plain_number_ok(key, value) \
                and link_attribute_problem(key, value)
            if problem:
                raise fail(problem.rsplit(", got", 1)[0], "links", i, key, value)
            attrs[key] = value
        triple = (ends[0], ends[1], flow)
        if triple in seen:
            first = where("links", seen[triple], None)[1]
            raise fail(f"a second {flow} link between the same two members (first at {first})",
                       "links", i, None, triple)
        seen[triple] = i
        edges.append((ends[0], ends[1], flow, attrs))

    with paused_gc():
        insert_members(eco.graph, nodes, nodes.values())
        insert_links(eco.graph, edges)
    return eco


def _plain_number_ok(name: str, value: Any) -> bool:
    """A fast yes for the usual case (a plain float or int in range); no means "look closer"."""
    kind = type(value)
    if kind is float:
        ok = 0.0 <= value < math.inf
    elif kind is int:
        ok = value >= 0
    else:
        return False
    if name == "reliability":
        return ok and value <= 1
    return ok and (name != "lead_time" or kind is int)


# ------------------------------------------------------------------ writing
def plain(value: Any) -> Any:
    """``value`` with numpy scalars and arrays, tuples and str subclasses made plain Python."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def to_spec(eco: Ecosystem) -> dict[str, Any]:
    """The spec mapping of ``eco`` (what :func:`from_spec` reads back)."""
    graph = dict(eco.graph.graph)
    spec: dict[str, Any] = {"ecobelt": SPEC_VERSION, "name": plain(graph.pop("name", "")),
                            "description": plain(graph.pop("description", ""))}
    if graph:
        spec["attributes"] = plain(graph)
    if eco.custom_roles:
        spec["roles"] = {role: ring.value for role, ring in eco.custom_roles.items()}
    roles = eco.roles
    members = []
    for member_id, data in eco.graph.nodes(data=True):
        record = {"id": member_id, "role": data["role"]}
        if roles.get(data["role"]) is None or data["ring"] != roles[data["role"]].value:
            record["ring"] = data["ring"]
        record.update((k, plain(v)) for k, v in data.items() if k not in ("role", "ring"))
        members.append(record)
    spec["members"] = members
    spec["links"] = [{"source": u, "target": v, "flow": k,
                      **{name: plain(x) for name, x in d.items()}}
                     for u, v, k, d in eco.graph.edges(keys=True, data=True)]
    return spec


# --------------------------------------------------------------------- YAML
_LoaderBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DumperBase = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_LoaderBase):  # type: ignore[misc, valid-type]
    """Safe YAML, dates kept as strings, duplicate keys refused."""


# A date such as 2024-05-01 stays a string: JSON, CSV and GraphML could not keep a date.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _LoaderBase.yaml_implicit_resolvers.items()}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in mapping
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a mapping key cannot be a {type(key).__name__}",
                key_node.start_mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class _Dumper(_DumperBase):  # type: ignore[misc, valid-type]
    """Writes members and links one per line, in flow style."""


class _OneLine(dict):
    pass


_Dumper.add_representer(_OneLine, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data, flow_style=True))


def read_yaml(text: str, file: str | None = None) -> Any:
    """Parse YAML text; syntax errors become :class:`SpecError` with line and column."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise SpecError(f"malformed YAML: {problem}", file=file, location=where) from None
    except yaml.YAMLError as error:
        raise SpecError(f"malformed YAML: {error}", file=file) from None


def write_yaml(spec: Mapping[str, Any], file: str | None = None) -> str:
    """YAML text of a spec, one member or link per line."""
    out = dict(spec)
    out["members"] = [_OneLine(m) for m in spec["members"]]
    out["links"] = [_OneLine(m) for m in spec["links"]]
    try:
        return yaml.dump(out, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                         width=1 << 16)
    except yaml.representer.RepresenterError as error:
        raise SpecError(f"YAML cannot hold a value: {error.args[0]}", file=file,
                        value=error.args[1] if len(error.args) > 1 else None) from None


# --------------------------------------------------------------------- JSON
def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    mapping: dict = {}
    for key, value in pairs:
        if key in mapping:
            raise ValueError(f"duplicate key {key!r}")
        mapping[key] = value
    return mapping


def read_json(text: str, file: str | None = None) -> Any:
    """Parse JSON text; errors become :class:`SpecError` with line and column."""
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as error:
        raise SpecError(f"malformed JSON: {error.msg}", file=file,
                        location=f"line {error.lineno}, column {error.colno}") from None
    except ValueError as error:
        raise SpecError(f"malformed JSON: {error}", file=file) from None


def write_json(spec: Mapping[str, Any], file: str | None = None) -> str:
    """JSON text of a spec, one member or link per line."""
    def dumps(value: Any) -> str:
        try:
            return json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as error:
            raise SpecError(f"JSON cannot hold a value: {error}", file=file) from None

    head = [f"  {dumps(k)}: {dumps(v)}" for k, v in spec.items() if k not in ("members", "links")]
    body = []
    for table in ("members", "links"):
        rows = ",\n".join(f"    {dumps(row)}" for row in spec[table])
        body.append(f'  "{table}": [\n{rows}\n  ]' if rows else f'  "{table}": []')
    return "{\n" + ",\n".join(head + body) + "\n}\n"

