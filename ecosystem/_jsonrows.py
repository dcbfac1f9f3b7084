"""Blocks of JSON rows laid out as ecobelt writes them, cut into columns by positions.

:func:`ecosystem._spec.iter_json` writes every member and every link on a line of
its own (``    {"key": value, ...},``), the keys of a table in the same order on
every line. :func:`parse_rows` reads a block of such lines without a parser: the
keys and kinds of values of its first line are the block's template; every quote
of the block is found at once (numpy), and where the block holds exactly the
template's quotes on every line, the bytes between them are compared with the
template's text (the keys and the ``", "`` around them) eight at a time, as
unaligned 64-bit words. What is left between the checked text is the values: a
string between two quotes (no quote, no backslash and no control character can be
inside, the block holds none), or a number, checked against JSON's grammar and
converted by pyarrow (``pyarrow.compute.cast``).

Anything else (an escape, a null, true or false, a list or a mapping, another
key, another order, a number JSON does not allow, an int among a column's floats,
an int beyond int64, a float beyond the double range, a control character, a
blank line) gives None, and the block is read as before (pyarrow's JSON reader,
or the json module), so both give the same columns. The values of a column are
what the json module reads: strings, int64 where every value is written as a
whole number, float64 where every value has a fraction or an exponent.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np

__all__ = ["ENABLED", "Rows", "parse_rows"]

#: False: every block goes to the other readers (tests set it to run both).
ENABLED = True
_QUOTE, _NEWLINE = 34, 10
_ROW_START = b"    {"
_ROW_BREAK = b"},\n" + _ROW_START
#: The longest number read here (the longest float ``repr`` writes has 24 characters).
_LONGEST = 32


class Rows(NamedTuple):
    """A block's columns: ``(name, values, kind)`` with ``kind`` str (values a pyarrow
    string array), int (int64) or float (float64, every value finite)."""

    size: int  # rows
    columns: list[tuple[str, Any, type]]


class _Segment(NamedTuple):
    """Text between two values (or before the first), anchored at a key's opening quote."""

    text: bytes
    quote: int  # which quote of a row (of the next row, for the row's end) anchors it
    at: int  # where that quote is in ``text``


def _template(line: bytes) -> tuple[list[tuple[str, type]], list[_Segment], bytes] | None:
    """The keys and kinds of a first row, the text between its values, and what follows
    its last value up to the line end (``}`` after a number, ``"}`` after a string)."""
    try:
        row = json.loads(line)
    except ValueError:
        return None
    if type(row) is not dict or not row or not line.startswith(_ROW_START):
        return None
    keys = [(name, type(value)) for name, value in row.items()]
    if any(kind not in (str, int, float) for _, kind in keys):
        return None
    segments, quote, before = [], 0, b""
    for name, kind in keys:
        key = b'"' + name.encode() + b'": ' + (b'"' if kind is str else b"")
        segments.append(_Segment(before + key, quote, len(before)))
        quote += 2 + 2 * (kind is str)
        before = b'", ' if kind is str else b", "
    end = b'"}' if keys[-1][1] is str else b"}"
    return keys, segments, end


def _words(text: bytes) -> list[tuple[int, np.uint64, np.uint64]]:
    """``(offset, word, mask)`` that check ``text`` a word at a time; a short text is
    checked by the word that ends where it ends (bytes before it masked out)."""
    if len(text) < 8:
        pad = 8 - len(text)
        word = int.from_bytes(bytes(pad) + text, "little")
        mask = int.from_bytes(bytes(pad) + b"\xff" * len(text), "little")
        return [(-pad, np.uint64(word), np.uint64(mask))]
    offsets = list(range(0, len(text) - 7, 8))
    if offsets[-1] != len(text) - 8:
        offsets.append(len(text) - 8)  # overlapping the one before
    full = np.uint64(2 ** 64 - 1)
    return [(o, np.uint64(int.from_bytes(text[o:o + 8], "little")), full) for o in offsets]


def _matches(words: np.ndarray, starts: np.ndarray, text: bytes) -> bool:
    """Whether ``text`` is at every position of ``starts``."""
    for offset, word, mask in _words(text):
        found = words[starts + offset]
        if mask != np.uint64(2 ** 64 - 1):
            found &= mask
        if not (found == word).all():
            return False
    return True


def _texts(arrow: Any, block: bytes, starts: np.ndarray, ends: np.ndarray) -> Any:
    """``block[starts[i]:ends[i]]`` as a pyarrow string array (the spans in order, apart)."""
    pa = arrow.pa
    count = len(starts)
    # the spans and the text between them as one array over the block; every other taken
    bounds = np.empty(2 * count, np.int32)
    bounds[0::2], bounds[1::2] = starts, ends
    both = pa.StringArray.from_buffers(2 * count - 1, pa.py_buffer(bounds), pa.py_buffer(block))
    return both.take(pa.array(np.arange(0, 2 * count, 2, dtype=np.int32)))


def _digits(values: np.ndarray) -> np.ndarray:
    return values - np.uint8(48) < 10


def _numbers(arrow: Any, block: bytes, starts: np.ndarray, ends: np.ndarray) -> Any:
    """The numbers written at ``block[starts[i]:ends[i]]`` as JSON reads them: an int64
    array where every one is written as a whole number, a float64 array where every one
    has a fraction or an exponent; None where they mix, where a text is not JSON's number,
    or where a value is beyond int64 or the double range."""
    pa, pc = arrow.pa, arrow.pc
    count = len(starts)
    lengths = ends - starts
    if lengths.min() < 1 or lengths.max() > _LONGEST:
        return None
    texts = _texts(arrow, block, starts, ends)
    offsets = np.frombuffer(texts.buffers()[1], np.int32)[:count + 1]
    data = np.frombuffer(texts.buffers()[2], np.uint8)[:offsets[-1]]
    first, after = offsets[:-1], offsets[1:]
    # JSON's grammar where pyarrow's parser is looser; what else it refuses itself
    # (a letter, two dots, two exponents, a lone e), infinity and NaN aside
    minus = data[first] == ord("-")
    lead = first + minus
    if not (lead < after).all() or not _digits(data[lead]).all() \
            or not _digits(data[after - 1]).all():
        return None  # a digit first (after a minus sign) and last
    zero = lead[data[lead] == ord("0")]
    if len(zero):
        follows = data[np.minimum(zero + 1, len(data) - 1)] | 32
        if ((zero + 1 < after[np.searchsorted(first, zero, "right") - 1])
                & (follows != ord(".")) & (follows != ord("e"))).any():
            return None  # a zero leading digits (or a hexadecimal x)
    # a dot is neither first nor last here: digits both sides
    dots = np.flatnonzero(data == ord("."))
    if len(dots) and not (_digits(data[dots - 1]) & _digits(data[dots + 1])).all():
        return None
    # a sign follows an exponent's e, or is a minus sign before the first digit
    signs = np.flatnonzero((data - np.uint8(ord("+"))) | np.uint8(2) == 2)
    if len(signs):
        loose = signs[data[signs - 1] | 32 != ord("e")]
        if len(loose) != np.count_nonzero(minus) or (data[loose] != ord("-")).any():
            return None
    marked = pc.or_(pc.or_(pc.match_substring(texts, "."), pc.match_substring(texts, "e")),
                    pc.match_substring(texts, "E"))
    fractions = pc.sum(marked).as_py() or 0
    if 0 < fractions < count:
        return None  # ints among floats: the json module reads them as ints
    try:
        values = pc.cast(texts, pa.float64() if fractions else pa.int64()).to_numpy()
    except (pa.ArrowException, ValueError):
        return None  # beyond int64, or not a number after all
    if fractions and not np.isfinite(values).all():
        return None  # beyond the double range, infinity or NaN
    return values


def parse_rows(block: bytes, arrow: SimpleNamespace) -> Rows | None:
    """The columns of a block of whole row lines, or None where the other readers read it."""
    newline = block.find(b"\n")
    if not ENABLED or newline < 0 or b"\\" in block:
        return None
    found = _template(block[:newline].rstrip(b","))
    if found is None:
        return None
    keys, segments, end = found
    size = len(block)
    text = np.frombuffer(block, np.uint8)
    quotes = np.flatnonzero(text == _QUOTE)
    per_row = sum(2 + 2 * (kind is str) for _, kind in keys)
    if len(quotes) % per_row or not len(quotes):
        return None
    count = len(quotes) // per_row
    if np.count_nonzero(text < 32) != count:
        return None  # a control character, or a line end not where a row ends
    for tail in (b"\n", b",\n"):
        if block.endswith(end + tail):
            break
    else:
        return None
    rows = quotes.reshape(count, per_row)
    if rows[0, 0] != len(_ROW_START) or not block.startswith(segments[0].text, len(_ROW_START)):
        return None
    # every unaligned 64-bit word of the block, one starting at each byte
    words = np.ndarray((size - 7,), "<u8", block, 0, (1,))
    places = []  # where each segment starts, row by row
    for segment in segments:
        starts = rows[:, segment.quote] - segment.at
        if segment.quote and not _matches(words, starts, segment.text):
            return None
        places.append(starts)
    # a row's end runs into the next row's first key
    row_end = end + _ROW_BREAK[1:] + segments[0].text
    at = len(end) + len(_ROW_BREAK) - 1
    if count > 1 and not _matches(words, rows[1:, 0] - at, row_end):
        return None
    stops = np.empty(count, np.intp)
    stops[:-1] = rows[1:, 0] - at
    stops[-1] = size - len(tail) - len(end)
    columns: list[tuple[str, Any, type]] = []
    for index, (name, kind) in enumerate(keys):
        begin = places[index] + len(segments[index].text)
        finish = places[index + 1] if index + 1 < len(keys) else stops
        if kind is str:
            if (finish < begin).any():
                return None
            columns.append((name, _texts(arrow, block, begin, finish), str))
            continue
        numbers = _numbers(arrow, block, begin, finish)
        if numbers is None:
            return None
        columns.append((name, numbers, float if numbers.dtype.kind == "f" else int))
    return Rows(count, columns)
