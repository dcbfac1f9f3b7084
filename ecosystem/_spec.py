"""Spec dictionaries (the content of YAML and JSON files) <-> :class:`Ecosystem`.

The same checks serve every file format: the CSV pair and GraphML/GEXF files
are first turned into member and link *records* (plain dicts) and built by
:func:`build`, so a dangling link or an unknown role reads the same way
whatever the file. Each error names the file and the place inside it.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
from collections.abc import Mapping
from typing import Any, Callable, Generator, Iterable, Iterator

import numpy as np
import yaml

from ._errors import ParameterError, SpecError
from ._yamlrows import rows_json
from .graph import Ecosystem
from .taxonomy import (LINK_FIELDS, LINK_NUMERIC_ATTRIBUTES, MEMBER_FIELDS, Flow, Ring,
                       link_attribute_problem, units_problem)

__all__ = ["SPEC_VERSION", "TOP_LEVEL_KEYS", "MAX_DEPTH", "from_spec", "to_spec", "spec_parts",
           "build", "plain", "value_problem", "read_yaml", "write_yaml", "iter_yaml",
           "read_json", "write_json", "iter_json"]

#: The schema version this ecobelt reads and writes (the ``ecobelt:`` key).
SPEC_VERSION = 1
#: Every key allowed at the top of a spec.
TOP_LEVEL_KEYS = ("ecobelt", "name", "description", "attributes", "roles", "members", "links")

_RINGS = ", ".join(r.value for r in Ring)
_FLOWS = ", ".join(f.value for f in Flow)
_FLOW_VALUES = frozenset(f.value for f in Flow)

#: ``where(table, row, field) -> (file, location)``: how a format names a place.
Where = Callable[[str, int, "str | None"], "tuple[str | None, str]"]


def plain_head(head: Mapping[str, Any]) -> tuple[str, str, dict, dict] | None:
    """A spec head's name, description, attributes and roles when the head holds only the
    spec's keys, this version and plain types (what the fast readers take), else None."""
    version = head.get("ecobelt")
    if set(head) - set(TOP_LEVEL_KEYS) or type(version) is not int or version != SPEC_VERSION:
        return None
    name, description = head.get("name", ""), head.get("description", "")
    attributes, roles = head.get("attributes", {}), head.get("roles", {})
    if not (type(name) is str and type(description) is str and type(attributes) is dict
            and type(roles) is dict):
        return None
    return name, description, attributes, roles


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
    for key, value in attributes.items():
        if not isinstance(key, str) or key in ("name", "description"):
            raise SpecError("graph attribute names must be strings other than name and "
                            "description (those are top-level keys)", file=file,
                            location=f"attributes.{key}", value=key)
        problem = value_problem(value, 1)
        if problem:
            raise SpecError(problem[0], file=file, location=f"attributes.{key}{problem[1]}",
                            value=problem[2])
    if "units" in attributes:
        units = units_problem(attributes["units"])
        if units:
            raise SpecError(units.removeprefix("units: "), file=file, location="attributes.units",
                            value=attributes["units"])
    eco = Ecosystem(name, description=description)
    eco.attributes.update(attributes)
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
            if type(value) not in _PLAIN_SCALARS:
                problem = value_problem(value)
                if problem:
                    raise fail(problem[0], "members", i, key + problem[1], problem[2])
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
            if type(value) not in _PLAIN_SCALARS:
                bad = value_problem(value)
                if bad:
                    raise fail(bad[0], "links", i, key + bad[1], bad[2])
            number = key in LINK_NUMERIC_ATTRIBUTES and not _plain_number_ok(key, value) \
                and link_attribute_problem(key, value)
            if number:
                raise fail(number.rsplit(", got", 1)[0], "links", i, key, value)
            attrs[key] = value
        triple = (ends[0], ends[1], flow)
        if triple in seen:
            first = where("links", seen[triple], None)[1]
            raise fail(f"a second {flow} link between the same two members (first at {first})",
                       "links", i, None, triple)
        seen[triple] = i
        edges.append((ends[0], ends[1], flow, attrs))

    eco._add_rows(nodes, edges)
    return eco


_PLAIN_SCALARS = frozenset({str, float, bool, type(None)})


def value_problem(value: Any, depth: int = 0) -> tuple[str, str, Any] | None:
    """What makes ``value`` unfit for an attribute, or None: ``(message, path below the
    attribute such as "[2].size", offending value)``.

    Attribute values are ``str``, ``int`` (within the range of floats), ``float``,
    ``bool``, ``None``, and lists and string-keyed dicts of these, at most
    :data:`MAX_DEPTH` levels deep.
    """
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return None
    if kind is int:
        if -_FLOAT_MAX <= value <= _FLOAT_MAX:
            return None
        return ("an integer beyond the range of floating-point numbers (about 1.8e308)", "",
                f"an integer of {len(str(abs(value))) if abs(value).bit_length() < 14000 else 'many'} digits")  # noqa: E501
    if depth >= MAX_DEPTH:
        return f"nested deeper than {MAX_DEPTH} levels", "", "..."
    if kind is list or kind is tuple:
        for j, item in enumerate(value):
            problem = value_problem(item, depth + 1)
            if problem:
                return problem if problem[2] == "..." else (problem[0], f"[{j}]{problem[1]}",
                                                            problem[2])
        return None
    if kind is dict:
        for key, item in value.items():
            if not isinstance(key, str):
                return "mapping keys inside values must be strings", "", key
            problem = value_problem(item, depth + 1)
            if problem:
                return problem if problem[2] == "..." else (problem[0], f".{key}{problem[1]}",
                                                            problem[2])
        return None
    return ("values are strings, numbers, booleans, null, lists and mappings, not "
            f"{kind.__name__}", "", value)


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


def spec_parts(eco: Ecosystem) -> tuple[dict[str, Any], Iterable[dict], Iterable[dict]]:
    """The head of the spec of ``eco`` (every key but members and links) and iterables of
    its member and link records, made a few at a time as a writer asks for them (from the
    columns, without building ``eco.graph``, unless the graph is in use)."""
    graph = dict(eco.attributes)
    head: dict[str, Any] = {"ecobelt": SPEC_VERSION, "name": plain(graph.pop("name", "")),
                            "description": plain(graph.pop("description", ""))}
    if graph:
        head["attributes"] = plain(graph)
    if eco.custom_roles:
        head["roles"] = {role: ring.value for role, ring in eco.custom_roles.items()}
    if eco._graph is None:
        from ._rows import link_records, member_records
        texts: dict = {}  # the member ids' texts, made once for both tables
        return head, member_records(eco, texts), link_records(eco, texts)
    rings = {role: ring.value for role, ring in eco.roles.items()}

    def members() -> Iterator[dict]:
        for member_id, data in eco.graph.nodes(data=True):
            record = {"id": member_id, "role": data["role"]}
            if data["ring"] != rings.get(data["role"]):
                record["ring"] = data["ring"]
            record.update((k, plain(v)) for k, v in data.items() if k not in ("role", "ring"))
            yield record

    def links() -> Iterator[dict]:
        for u, v, k, d in eco.graph.edges(keys=True, data=True):
            yield {"source": u, "target": v, "flow": k, **{name: plain(x) for name, x in d.items()}}

    return head, members(), links()


def to_spec(eco: Ecosystem) -> dict[str, Any]:
    """The spec mapping of ``eco`` (what :func:`from_spec` reads back)."""
    head, members, links = spec_parts(eco)
    return {**head, "members": list(members), "links": list(links)}


# --------------------------------------------------------------------- YAML
_LoaderBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DumperBase = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


#: Deepest nesting of lists and mappings a spec may have (the spec itself takes 3 levels).
MAX_DEPTH = 100
_FLOAT_MAX = int(sys.float_info.max)  # ints beyond this break every float computation
_MAX_INT_DIGITS = len(str(_FLOAT_MAX)) + 1
_NOT_PLAIN_TAGS = ("set", "binary", "timestamp", "omap", "pairs")


class _Refused(yaml.constructor.ConstructorError):
    """Well-formed YAML that a spec does not accept (an alias, a tag, a huge integer)."""


class _Loader(_LoaderBase):  # type: ignore[misc, valid-type]
    """Safe YAML, dates kept as strings, duplicate keys, aliases and tags for values JSON
    cannot hold (sets, binary, timestamps, ordered pairs) refused, huge integers refused."""

    def construct_object(self, node, deep=False):
        # an alias makes the composer hand out the same node twice: a second construction
        # is the only sign of it, and a handful of nested aliases can expand a file of a
        # few hundred bytes into gigabytes downstream
        if node in self.constructed_objects:
            raise _Refused(
                None, None, "aliases (*name) are not allowed: write the value out in full",
                node.start_mark)
        return super().construct_object(node, deep)


# A date such as 2024-05-01 stays a string: JSON, CSV and GraphML could not keep a date.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _LoaderBase.yaml_implicit_resolvers.items()}
_Loader.yaml_constructors = {tag: construct for tag, construct in
                             _LoaderBase.yaml_constructors.items()
                             if tag not in {f"tag:yaml.org,2002:{t}" for t in _NOT_PLAIN_TAGS}}


def _not_plain(loader: _Loader, node: yaml.Node):
    raise _Refused(
        None, None, f"the tag {node.tag} is not allowed: values are strings, numbers, "
        "booleans, null, lists and mappings", node.start_mark)


for _tag in _NOT_PLAIN_TAGS:
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _not_plain)
_Loader.add_constructor(None, _not_plain)  # any other tag, such as !custom


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    if len(node.value) > _MAX_INT_DIGITS + 10:  # beyond float range even with underscores
        raise _Refused(
            None, None, f"an integer of {len(node.value)} characters is beyond the range of "
            "floating-point numbers (about 1.8e308)", node.start_mark)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


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


def _flow_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in ``text``, counting every bracket (so
    brackets inside quoted text can only make it larger)."""
    data = text.encode("utf-8", "surrogatepass").translate(_BRACKETS)
    at = np.flatnonzero(np.frombuffer(data, dtype=np.uint8))  # the brackets alone
    if at.size == 0:
        return 0
    level = np.cumsum(np.frombuffer(data, dtype=np.int8)[at], dtype=np.int64)
    return max(0, int((level - np.minimum(np.minimum.accumulate(level), 0)).max()))


_BRACKETS = bytes(1 if c in b"[{" else 255 if c in b"]}" else 0 for c in range(256))


def _load_with_room(text: str) -> Any:
    """``yaml.load`` in a thread with a large stack: libyaml's composer recurses in C, so
    deep nesting in a hostile file would otherwise overflow the stack and crash the
    process instead of raising an error."""
    result: list = []

    def work() -> None:
        try:
            result.append((True, yaml.load(text, Loader=_Loader)))
        except BaseException as error:  # handed to the calling thread as it is
            result.append((False, error))

    try:
        previous = threading.stack_size(256 * 2 ** 20)
    except (ValueError, RuntimeError):
        return yaml.load(text, Loader=_Loader)
    try:
        thread = threading.Thread(target=work, name="ecobelt-yaml")
        thread.start()
    except RuntimeError:  # no memory for the stack (a process under a small ulimit -v)
        return yaml.load(text, Loader=_Loader)
    finally:
        threading.stack_size(previous)
    thread.join()
    ok, value = result[0]
    if not ok:
        raise value
    return value


class _Dumper(_DumperBase):  # type: ignore[misc, valid-type]
    """Writes members and links one per line, in flow style."""


class _OneLine(dict):
    pass


_Dumper.add_representer(_OneLine, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", data, flow_style=True))


class _NotRows(Exception):
    """Rows that PyYAML has to read (or to refuse with the place in the file)."""


#: Characters of rows converted at once: the conversion's arrays take about sixteen bytes per
#: character, so a whole million-member table at once would need more than the machine has.
_ROWS_CHUNK = 1 << 24


def _yaml_chunks(block: str) -> Iterator[tuple[list, int]]:
    """The rows of one table and the deepest nesting of brackets in them, converted a chunk
    of whole lines at a time (a chunk cut inside a value fails its own checks: PyYAML reads)."""
    start = 0
    while start < len(block):
        end = len(block) if len(block) - start <= _ROWS_CHUNK \
            else block.find("\n- {", start + _ROWS_CHUNK)
        end = len(block) if end < 0 else end
        yield _chunk_as_json(block[start:end])
        start = end + 1


def _rows_as_json(block: str) -> tuple[list, int]:
    """The rows of one table and the deepest nesting of brackets in them."""
    rows: list = []
    depth = 0
    for chunk_rows, chunk_depth in _yaml_chunks(block):
        rows.extend(chunk_rows)
        depth = max(depth, chunk_depth)
    return rows, depth


def _chunk_as_json(block: str) -> tuple[list, int]:
    """:func:`_rows_as_json` on one chunk of whole lines."""
    if not block:
        return [], 0
    fast = rows_json(block)
    if fast is None:
        raise _NotRows
    text, keys, mappings, count, depth = fast
    if mappings == count:  # no mapping inside a row: a duplicate key leaves a key out
        rows = json.loads(text)
    else:
        rows = json.loads(text, object_pairs_hook=_refuse_duplicates)
    if len(rows) != count:
        raise _NotRows  # a line with more than one value
    if mappings == count and sum(map(len, rows)) != keys:
        raise _NotRows  # a duplicate key: PyYAML says where
    return rows, depth


def _read_rows(text: str) -> Any:
    """The spec of a YAML file laid out as ecobelt writes it, or None for any other YAML
    (and for nesting deeper than MAX_DEPTH, which read_yaml then refuses)."""
    start = text.find("\nmembers:\n")
    if start < 0:
        return None
    middle = text.find("\nlinks:\n", start)
    if middle < 0:
        return None
    if _flow_depth(text[:start + 1]) > MAX_DEPTH:
        return None
    head = yaml.load(text[:start + 1], Loader=_Loader)
    if not isinstance(head, dict) or "members" in head or "links" in head:
        return None
    try:
        members, members_depth = _rows_as_json(
            text[start + len("\nmembers:\n"):middle + 1].rstrip("\n"))
        links, links_depth = _rows_as_json(text[middle + len("\nlinks:\n"):].rstrip("\n"))
    except (_NotRows, ValueError, RecursionError):
        return None
    if max(members_depth, links_depth) > MAX_DEPTH:
        return None
    return {**head, "members": members, "links": links}


def read_yaml(text: str, file: str | None = None) -> Any:
    """Parse YAML text; syntax errors become :class:`SpecError` with line and column."""
    try:
        if len(text) > 1 << 16:  # large files are ecobelt's rows as a rule: JSON's speed
            rows = _read_rows(text)
            if rows is not None:
                return rows
        depth = _flow_depth(text) if "[" in text or "{" in text else 0
        if depth > MAX_DEPTH:
            raise SpecError(f"nested deeper than {MAX_DEPTH} levels of [ ] and {{ }} (found "
                            f"{depth})", file=file)
        return _load_with_room(text)
    except RecursionError:
        raise SpecError(f"nested deeper than {MAX_DEPTH} levels", file=file) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = " ".join(str(part) for part in (error.context, error.problem) if part)
        ours = isinstance(error, _Refused)
        raise SpecError(problem if ours else f"malformed YAML: {problem}", file=file,
                        location=where) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise SpecError(f"malformed YAML: character {error.character!r} is not allowed "
                        f"({error.reason})", file=file,
                        location=f"line {line}, column {column}") from None
    except yaml.YAMLError as error:
        raise SpecError("malformed YAML: " + " ".join(str(error).split()), file=file) from None


# What YAML cannot hold as it is: C1 controls, line separators, surrogates, non-characters
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# A JSON row that needs a closer look for YAML 1.1: an exponent, NaN or infinity
_YAML_NUMBERS = re.compile(r"\d[eE]|NaN|Infinity")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)|(-?\d+(?:\.\d+)?)[eE]([+-]?)(\d+)')
# A quoted string that YAML reads back the same without quotes: it starts with a letter or
# _, has letters, digits, _ . - and inner spaces only, and is not one of YAML 1.1's
# booleans or null. (Only applied to rows without backslashes, where every quote is
# the edge of a string.)
_UNQUOTE = re.compile(r'"(?!(?i:y|yes|n|no|true|false|on|off|null)")([^\W\d][\w.\- ]*(?<! ))"')


def _yaml_number(match: re.Match) -> str:
    if match.group(1):  # NaN, Infinity, -Infinity
        return {"NaN": ".nan", "Infinity": ".inf", "-Infinity": "-.inf"}[match.group(1)]
    if match.group(2) is None:  # a string: as it is
        return match.group(0)
    mantissa = match.group(2) if "." in match.group(2) else match.group(2) + ".0"
    return f"{mantissa}e{match.group(3) or '+'}{match.group(4)}"


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def _row_text(value: Any, file: str | None, place: str, yaml_row: bool) -> str:
    """One record as one line of JSON text, or of YAML flow style (JSON with YAML 1.1's
    spelling of floats and without quotes where none are needed)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise SpecError(f"{'YAML' if yaml_row else 'JSON'} cannot hold a value: {error}",
                        file=file, location=place) from None
    if yaml_row:
        if (not text.isascii() or "\x7f" in text) and _YAML_UNSAFE.search(text):
            if _SURROGATE.search(text):
                raise SpecError("YAML cannot hold a lone surrogate (a half of a UTF-16 pair); "
                                "save as JSON, which escapes it", file=file, location=place)
            text = _YAML_UNSAFE.sub(_escape, text)  # these occur only inside strings
    elif not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub(_escape, text)  # UTF-8 cannot hold it; a JSON escape can
    if yaml_row:
        if _YAML_NUMBERS.search(text):
            text = _JSON_TOKEN.sub(_yaml_number, text)
        if "\\" not in text:
            text = _UNQUOTE.sub(r"\1", text)
    return text


def _rows(records: Iterable[dict], table: str, file: str | None, yaml_row: bool,
          prefix: str, separator: str, encoded: bool = False) -> Iterator[Any]:
    """The lines of one table, in chunks of many rows (fewer, larger writes): text, or
    its UTF-8 bytes (bytes or memoryviews) if ``encoded``."""
    text_chunks = getattr(records, "text_chunks", None)  # rows straight from columns
    chunks = text_chunks(file, yaml_row, prefix, separator, encoded) if text_chunks else None
    if chunks is not None:
        yield from chunks
        return
    chunk: list[str] = []
    first = True
    for i, record in enumerate(records):
        line = prefix + _row_text(record, file, f"{table}[{i}]", yaml_row)
        chunk.append(line if first else separator + line)
        first = False
        if len(chunk) >= 4096:
            yield "".join(chunk).encode() if encoded else "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk).encode() if encoded else "".join(chunk)


def iter_yaml(head: Mapping[str, Any], members: Iterable[dict], links: Iterable[dict],
              file: str | None = None, encoded: bool = False) -> Generator[Any, None, None]:
    """YAML text of a spec in chunks: the head as PyYAML writes it, then one member or link
    per line in flow style. With ``encoded``, the chunks are the text's UTF-8 bytes (bytes
    or memoryviews: the rows made from columns are not copied into Python strings)."""
    yield from _utf8(_yaml_text(head, members, links, file, encoded), encoded)


def _utf8(chunks: Iterable[Any], encoded: bool) -> Iterator[Any]:
    """The chunks, the text ones encoded in UTF-8 if ``encoded`` (bytes pass as they are)."""
    for chunk in chunks:
        yield chunk.encode() if encoded and type(chunk) is str else chunk


def _yaml_text(head: Mapping[str, Any], members: Iterable[dict], links: Iterable[dict],
               file: str | None, encoded: bool) -> Iterator[Any]:
    try:
        yield yaml.dump(dict(head), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                        width=1 << 16)
    except yaml.representer.RepresenterError as error:
        raise SpecError(f"YAML cannot hold a value: {error.args[0]}", file=file,
                        value=error.args[1] if len(error.args) > 1 else None) from None
    except UnicodeEncodeError:  # libyaml's emitter meets a lone surrogate
        raise SpecError("YAML cannot hold a lone surrogate (a half of a UTF-16 pair) in the "
                        "name, description or attributes; save as JSON, which escapes it",
                        file=file) from None
    for table, records in (("members", members), ("links", links)):
        empty = True
        for chunk in _rows(records, table, file, True, "- ", "\n", encoded):
            if empty:
                yield f"{table}:\n"
                empty = False
            yield chunk
        yield f"{table}: []\n" if empty else "\n"


def write_yaml(spec: Mapping[str, Any], file: str | None = None) -> str:
    """YAML text of a spec, one member or link per line."""
    head = {k: v for k, v in spec.items() if k not in ("members", "links")}
    return "".join(iter_yaml(head, spec["members"], spec["links"], file))


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
    except RecursionError:
        raise SpecError(f"nested deeper than {MAX_DEPTH} levels", file=file) from None
    except json.JSONDecodeError as error:
        raise SpecError(f"malformed JSON: {error.msg}", file=file,
                        location=f"line {error.lineno}, column {error.colno}") from None
    except ValueError as error:
        digits = re.search(r"value has (\d+) digits", str(error))
        if digits:  # Python's guard against slow conversions of huge integers
            raise SpecError(f"an integer of {digits.group(1)} digits is beyond the range of "
                            "floating-point numbers (about 1.8e308)", file=file) from None
        raise SpecError(f"malformed JSON: {error}", file=file) from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def iter_json(head: Mapping[str, Any], members: Iterable[dict], links: Iterable[dict],
              file: str | None = None, encoded: bool = False) -> Generator[Any, None, None]:
    """JSON text of a spec in chunks, one member or link per line; with ``encoded``, its
    UTF-8 bytes (as :func:`iter_yaml`)."""
    yield from _utf8(_json_text(head, members, links, file, encoded), encoded)


def _json_text(head: Mapping[str, Any], members: Iterable[dict], links: Iterable[dict],
               file: str | None, encoded: bool) -> Iterator[Any]:
    yield "{\n"
    for key, value in head.items():
        yield f"  {_row_text(key, file, key, False)}: {_row_text(value, file, key, False)},\n"
    for table, records in (("members", members), ("links", links)):
        empty = True
        for chunk in _rows(records, table, file, False, "    ", ",\n", encoded):
            if empty:
                yield f'  "{table}": [\n'
                empty = False
            yield chunk
        end = "," if table == "members" else ""
        yield f'  "{table}": []{end}\n' if empty else f"\n  ]{end}\n"
    yield "}\n"


def write_json(spec: Mapping[str, Any], file: str | None = None) -> str:
    """JSON text of a spec, one member or link per line."""
    head = {k: v for k, v in spec.items() if k not in ("members", "links")}
    return "".join(iter_json(head, spec["members"], spec["links"], file))
