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

Where numba is installed (the ``fast`` extra) and the file is large, one compiled
pass (:func:`_cut`) does the same in a single walk over the block's bytes: it
compares the template's text byte for byte, finds each value's end, and reads
each number as JSON's grammar spells it (whole numbers as ints, the others as the
nearest double where that is one exact operation; the rest by pyarrow), with the
same results and the same refusals.

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
import threading
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np

from ._numba import ENVIRONMENT_VARIABLE, switched_off

__all__ = ["ENABLED", "Rows", "parse_rows", "ENVIRONMENT_VARIABLE"]

#: False: every block goes to the other readers (tests set it to run both).
ENABLED = True
#: Bytes of text from which the compiled pass pays for importing numba in each process
#: (and, the first time on a machine, for compiling it).
MIN_COMPILED_BYTES = 1 << 26
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
        # numpy's own copy: pyarrow's allocator reuses the block's buffers for the next
        # block at once, instead of keeping every block's until the end
        values = pc.cast(texts, pa.float64() if fractions else pa.int64()).to_numpy().copy()
    except (pa.ArrowException, ValueError):
        return None  # beyond int64, or not a number after all
    if fractions and not np.isfinite(values).all():
        return None  # beyond the double range, infinity or NaN
    return values


_COMPILING = threading.Lock()
_SCRATCH = threading.local()
_POWERS = np.array([float(10 ** k) for k in range(23)])  # exact doubles, 1 to 1e22


def _cut(text: np.ndarray, first: np.ndarray, segments: np.ndarray, bounds: np.ndarray,
         kinds: np.ndarray, end: np.ndarray, row_end: np.ndarray, powers: np.ndarray,
         starts: np.ndarray, ends: np.ndarray, ints: np.ndarray, floats: np.ndarray,
         flags: np.ndarray) -> int:
    """The rows of a block cut in one pass (compiled by numba), or -1.

    ``first`` is the first row's text up to its first value, ``segments[bounds[j]:
    bounds[j + 1]]`` the text before value ``j`` (``j >= 1``), ``end`` what follows the
    last value, ``row_end`` what follows that up to the next row's first value. Writes
    every value's span (``starts[j, i]``, ``ends[j, i]``), every number ``k`` (``kinds[j]
    = k + 1``; strings 0) as an int (written whole) or a float where one rounding gives
    the double nearest to the text (a mantissa below 2**53 and a power of ten up to
    1e22: exact operands, one correctly rounded multiplication or division), and
    ``flags[k]``: 1 a whole number seen, 2 a fraction or an exponent, 4 a number left to
    pyarrow (more digits, a larger power).
    """
    size = text.shape[0]
    keys = kinds.shape[0]
    capacity = starts.shape[1]
    pos = 0
    for i in range(first.shape[0]):
        if i >= size or text[i] != first[i]:
            return -1
    pos = first.shape[0]
    row = 0
    while True:
        if row >= capacity:
            return -1
        for j in range(keys):
            if j:
                for i in range(bounds[j], bounds[j + 1]):
                    if pos >= size or text[pos] != segments[i]:
                        return -1
                    pos += 1
            starts[j, row] = pos
            if kinds[j] == 0:
                while pos < size and text[pos] != 34:
                    if text[pos] < 32 or text[pos] == 92:
                        return -1
                    pos += 1
                if pos >= size:
                    return -1
                ends[j, row] = pos
                continue
            negative = pos < size and text[pos] == 45
            if negative:
                pos += 1
            if pos >= size or text[pos] < 48 or text[pos] > 57:
                return -1
            mantissa, digits, scale, exponent, fraction = 0, 0, 0, 0, False
            if text[pos] == 48:
                pos += 1
            else:
                while pos < size and 48 <= text[pos] <= 57:
                    if digits < 18:
                        mantissa = mantissa * 10 + (int(text[pos]) - 48)
                        if mantissa:
                            digits += 1
                    else:
                        digits = 99
                    pos += 1
            if pos < size and text[pos] == 46:
                fraction = True
                pos += 1
                if pos >= size or text[pos] < 48 or text[pos] > 57:
                    return -1
                while pos < size and 48 <= text[pos] <= 57:
                    if digits < 18:
                        mantissa = mantissa * 10 + (int(text[pos]) - 48)
                        if mantissa:
                            digits += 1
                        scale -= 1
                    elif text[pos] != 48:
                        digits = 99
                    pos += 1
            if pos < size and (text[pos] == 101 or text[pos] == 69):
                fraction = True
                pos += 1
                sign = 1
                if pos < size and (text[pos] == 43 or text[pos] == 45):
                    sign = 1 if text[pos] == 43 else -1
                    pos += 1
                if pos >= size or text[pos] < 48 or text[pos] > 57:
                    return -1
                while pos < size and 48 <= text[pos] <= 57:
                    if exponent < 100000:
                        exponent = exponent * 10 + (int(text[pos]) - 48)
                    pos += 1
                scale += sign * exponent
            ends[j, row] = pos
            k = kinds[j] - 1
            if not fraction:
                if digits > 18:
                    flags[k] |= 5
                else:
                    flags[k] |= 1
                    ints[k, row] = -mantissa if negative else mantissa
            else:
                flags[k] |= 2
                value = 0.0
                if mantissa == 0:
                    value = 0.0
                elif digits <= 15 and -22 <= scale <= 22:
                    if scale < 0:
                        value = mantissa / powers[-scale]
                    else:
                        value = mantissa * powers[scale]
                else:
                    flags[k] |= 4
                floats[k, row] = -value if negative else value
        for i in range(end.shape[0]):
            if pos >= size or text[pos] != end[i]:
                return -1
            pos += 1
        row += 1
        if pos + 1 == size and text[pos] == 10:
            return row
        if pos + 2 == size and text[pos] == 44 and text[pos + 1] == 10:
            return row
        for i in range(row_end.shape[0]):
            if pos >= size or text[pos] != row_end[i]:
                return -1
            pos += 1


def _compiled() -> Any:
    """:func:`_cut` compiled, or None (without numba, or switched off)."""
    with _COMPILING:  # the reader's threads ask at once: numba is imported by one
        return _compile()


@lru_cache(maxsize=1)
def _compile() -> Any:
    if switched_off():
        return None
    try:
        import numba
    except ImportError:
        return None
    # nogil: the blocks of the reader's threads are cut side by side; cache=True keeps
    # the machine code, so only the first run on a machine compiles
    return numba.njit(cache=True, nogil=True)(_cut)


def _scratch(keys: int, numbers: int, capacity: int) -> tuple[np.ndarray, ...]:
    """Arrays for :func:`_cut` to write into, kept by each thread from block to block (new
    ones each block leave the allocator's heaps full of holes between the kept columns)."""
    held = getattr(_SCRATCH, "arrays", None)
    if held is None or held[0].shape[0] < keys or held[2].shape[0] < numbers \
            or held[0].shape[1] < capacity:
        shape = (max(keys, held[0].shape[0] if held else 0),
                 max(capacity, held[0].shape[1] if held else 0))
        width = max(numbers, held[2].shape[0] if held else 0)
        held = (np.empty(shape, np.int64), np.empty(shape, np.int64),
                np.empty((width, shape[1]), np.int64), np.empty((width, shape[1])))
        _SCRATCH.arrays = held
    return held


def _cut_columns(block: bytes, arrow: SimpleNamespace, cut: Any, keys: list[tuple[str, type]],
                 segments: list[_Segment], end: bytes) -> Rows | None:
    """:func:`parse_rows` by the compiled :func:`_cut`."""
    text = np.frombuffer(block, np.uint8)
    texts = [segment.text for segment in segments]
    first = np.frombuffer(_ROW_START + texts[0], np.uint8)
    joined = np.frombuffer(b"".join(texts) or b" ", np.uint8)
    bounds = np.cumsum([0] + [len(t) for t in texts])
    numbered = np.cumsum([kind is not str for _, kind in keys])
    kinds = np.array([numbered[j] if kind is not str else 0 for j, (_, kind) in enumerate(keys)],
                     np.int64)
    numbers = int(numbered[-1])

    # a row is at least its keys' text, a character a number and its line end
    shortest = len(_ROW_START) + sum(map(len, texts)) + numbers + len(end) + 1
    capacity = len(block) // shortest + 1
    starts, ends, ints, floats = _scratch(len(keys), numbers, capacity)
    flags = np.zeros(max(numbers, 1), np.int64)
    count = cut(text, first, joined, bounds, kinds, np.frombuffer(end, np.uint8),
                np.frombuffer(_ROW_BREAK[1:] + texts[0], np.uint8), _POWERS, starts, ends,
                ints, floats, flags)
    if count <= 0:
        return None
    columns: list[tuple[str, Any, type]] = []
    for j, (name, kind) in enumerate(keys):
        if kind is str:
            columns.append((name, _texts(arrow, block, starts[j, :count], ends[j, :count]), str))
            continue
        k = kinds[j] - 1
        if flags[k] & 3 == 3:
            return None  # ints among floats: the json module reads them as ints
        if flags[k] & 4:  # beyond the exact operands: pyarrow's conversion
            values = _numbers(arrow, block, starts[j, :count], ends[j, :count])
            if values is None:
                return None
        else:
            values = (floats if flags[k] & 2 else ints)[k, :count].copy()
        columns.append((name, values, float if values.dtype.kind == "f" else int))
    return Rows(count, columns)


def parse_rows(block: bytes, arrow: SimpleNamespace, compiled: bool = True) -> Rows | None:
    """The columns of a block of whole row lines, or None where the other readers read it;
    ``compiled``: by the compiled pass where numba is installed (the reader asks for it
    from :data:`MIN_COMPILED_BYTES` of text on)."""
    newline = block.find(b"\n")
    if not ENABLED or newline < 0 or b"\\" in block:
        return None
    found = _template(block[:newline].rstrip(b","))
    if found is None:
        return None
    keys, segments, end = found
    cut = _compiled() if compiled else None
    if cut is not None:
        return _cut_columns(block, arrow, cut, keys, segments, end)
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
