"""GraphML and GEXF files, lossless for ecobelt's own files (see :mod:`ecosystem.files`).

The files are laid out as networkx's writers lay them out (written from the
columns by ``ecosystem._xmlwrite``). GraphML as networkx writes it refuses lists,
dicts and None and splits an attribute that is an int on one node and a string
on another into two keys; GEXF has no graph attributes. So before writing, every
attribute that is not of a single scalar type becomes JSON text, and a small
JSON record (``ecobelt`` graph attribute in GraphML, ``<meta><description>``
in GEXF) says which, so reading restores the exact values.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ._errors import SpecError
from .graph import Ecosystem

__all__ = ["read_graphml", "write_graphml", "read_gexf", "write_gexf"]

_META = "ecobelt"
_PREFIX = "ecobelt."
# Names networkx's GraphML/GEXF writers and readers give a meaning of their own.
_TAKEN = {
    "graph": frozenset({"id", "node_default", "edge_default", "mode"}),
    "node": frozenset({"id", "label", "start", "end", "spells", "slices", "parents", "pid", "viz",
                       "node_for_adding", "key"}),
    "edge": frozenset({"id", "key", "label", "weight", "type", "start", "end", "spells",
                       "slices", "viz", "networkx_key", "flow", "u_for_edge", "v_for_edge"}),
}
# Characters XML 1.0 cannot hold, and \r, which XML parsers turn into \n.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCALARS = (str, int, float, bool)
_EXACT_INT = 2 ** 53  # ints up to this size survive a trip through a double


def _stored_name(name: str, scope: str) -> str:
    if _NOT_XML.search(name):  # a control character: XML cannot hold it, a JSON escape can
        return _PREFIX + json.dumps(name)
    return _PREFIX + name if name.startswith(_META) or name in _TAKEN[scope] else name


def _kind(values: list[Any]) -> str:
    """How to write an attribute: "native", "number" (ints and floats) or "json"."""
    kinds = {type(v) for v in values}
    if kinds == {int, float} and all(abs(v) < _EXACT_INT for v in values if type(v) is int):
        return "number"
    if len(kinds) != 1 or not kinds <= set(_SCALARS):
        return "json"
    # an empty string is an empty XML element, which older networkx readers skip
    return "json" if str in kinds and any(not v or _NOT_XML.search(v) for v in values) \
        else "native"


def _json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    return json.dumps(value, allow_nan=True) if _NOT_XML.search(text) else text


def _encode_scope(items: list[tuple[str, dict[str, Any]]], scope: str, file: str
                  ) -> tuple[list[str], dict[str, list[str]]]:
    """Rewrite the dicts of ``items`` in place (renamed, JSON or float where needed).

    Returns the JSON-encoded names and, for attributes mixing ints and floats
    (written as doubles so that tools see numbers), the ids of the items whose
    value was an int.
    """
    names = list(dict.fromkeys(k for _, d in items for k in d))
    encoded, ints = [], {}
    for name in names:  # one pass per attribute, not per member
        kind = _kind([d[name] for _, d in items if name in d])
        stored = _stored_name(name, scope)
        if kind == "json":
            encoded.append(stored)
        elif kind == "number":
            ints[stored] = [key for key, d in items if type(d.get(name)) is int]
        for key, d in items:
            if name in d:
                value = d.pop(name)
                try:
                    d[stored] = (_json_text(value) if kind == "json" else
                                 float(value) if kind == "number" else value)
                except (TypeError, ValueError) as error:
                    raise SpecError(f"a value cannot be written as JSON text: {error}",
                                    file=file, location=f"{scope} {key!r}.{name}") from None
    return encoded, ints


def _check_id(member_id: str, file: str) -> None:
    if _NOT_XML.search(member_id):
        raise SpecError("member id has a character XML cannot hold (a control character "
                        "other than tab and newline); GraphML and GEXF cannot store it",
                        file=file, value=member_id)


_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?")


def _viz(member: dict[str, Any]) -> dict[str, Any]:
    """Gephi's view of a member: its position, and its ``color`` (``#rrggbb[aa]``) and
    ``size`` attributes where they have that form."""
    viz: dict[str, Any] = {}
    position = _position(member)
    if position is not None:
        viz["position"] = position
    colour = member.get("color")
    match = _HEX_COLOUR.fullmatch(colour) if isinstance(colour, str) else None
    if match:
        rgb = int(match.group(1), 16)
        viz["color"] = {"r": rgb >> 16, "g": (rgb >> 8) & 255, "b": rgb & 255,
                        "a": int(match.group(2), 16) / 255 if match.group(2) else 1.0}
    if _is_number(member.get("size")):
        viz["size"] = float(member["size"])
    return viz


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _position(data: dict[str, Any]) -> dict[str, float] | None:
    if not (_is_number(data.get("x")) and _is_number(data.get("y"))):
        pos = data.get("pos")  # networkx's layouts give (x, y) pairs
        if isinstance(pos, (list, tuple)) and len(pos) in (2, 3) and all(map(_is_number, pos)):
            return {"x": float(pos[0]), "y": float(pos[1]),
                    "z": float(pos[2]) if len(pos) == 3 else 0.0}
        return None
    z = data.get("z")
    return {"x": float(data["x"]), "y": float(data["y"]),
            "z": float(z) if z is not None and _is_number(z) else 0.0}


# ------------------------------------------------------------------ GraphML
def write_graphml(eco: Ecosystem, path: str) -> None:
    """Write ``eco`` as GraphML (see :mod:`ecosystem.files`)."""
    from ._xmlwrite import write_graphml as write
    write(eco, path)


# --------------------------------------------------------------------- GEXF
def write_gexf(eco: Ecosystem, path: str) -> None:
    """Write ``eco`` as GEXF 1.2 with Gephi's positions (see :mod:`ecosystem.files`)."""
    from ._xmlwrite import write_gexf as write
    write(eco, path)


def read_graphml(path: str) -> Ecosystem:
    """Read a GraphML file (see :mod:`ecosystem.files`), streamed into columns."""
    from ._xmlread import read_graphml as read
    return read(path)


def read_gexf(path: str) -> Ecosystem:
    """Read a GEXF file, versions 1.1 to 1.3 (see :mod:`ecosystem.files`), streamed into
    columns."""
    from ._xmlread import read_gexf as read
    return read(path)
