"""YAML flow-mapping rows, as ecobelt writes them, rewritten as JSON text a byte array at a
time (numpy), so that the json module can read them.

The rows are ``- {key: value, ...}`` lines: plain words, numbers, ``.inf``/``.nan``,
``true``/``false``/``null``, double-quoted strings, lists and mappings. :func:`rows_json`
quotes the plain words and spells the special floats as JSON does, after checking, over
whole arrays, that every token is one that YAML 1.1 (PyYAML) and JSON read alike;
anything else returns None and the caller reads the file with PyYAML. What is checked,
and why:

- outside strings, only letters, digits, ``_ . - +``, non-ASCII letters, spaces and
  ``{ } [ ] , : \\n``: a comment, an anchor, an alias, a tag or a quote of another kind
  starts with another character;
- no tab or carriage return anywhere, and in strings only the escapes both read alike
  (``\\" \\\\ \\b \\f \\n \\r \\t \\uXXXX`` but an escaped surrogate; not ``\\/``);
- no character YAML refuses or reads as a line break (C1 controls, DEL, U+2028,
  U+2029, surrogates, U+FEFF, U+FFFE, U+FFFF), though JSON would take it in a string;
- every ``:`` outside strings is followed by a space (``a:1`` is one plain word in
  YAML), no space comes before ``, : } ]`` or a line end (YAML drops it from a plain
  word), and at most one space after ``, : { [``;
- a word that YAML 1.1 reads as a boolean or null (``yes``, ``No``, ``ON``, ``y``,
  ``True``, ``NULL``...) ; ``true``, ``false`` and ``null`` themselves are kept bare;
- a number with an exponent has a point and a signed exponent (YAML 1.1 reads ``1e5``
  and ``1.0e5`` as strings), none has more than 300 characters (the bounded reader
  refuses huge integers with its own message), and no ``-Infinity`` (a float to JSON);
- a string is a whole token: it starts after a separator and ends before one.

The json module then refuses anything else (a word after a string, ``+5``, ``007``,
``.5``, a missing value).
"""

from __future__ import annotations

import re

import numpy as np

# byte classes; outside strings a byte of class _BAD sends the rows to the slow path
_BAD, _SPACE, _DIGIT, _SIGN, _DOT, _LETTER, _E, _QUOTE, _STRUCT, _COLON = range(10)
_CLASSES = bytearray(256)
for _code in range(256):
    _char = chr(_code)
    if _code >= 0x80 or _char == "_" or _char.isascii() and _char.isalpha():
        _CLASSES[_code] = _LETTER
_CLASSES[ord("e")] = _CLASSES[ord("E")] = _E
for _char in "0123456789":
    _CLASSES[ord(_char)] = _DIGIT
_CLASSES[ord("-")] = _CLASSES[ord("+")] = _SIGN
_CLASSES[ord(".")] = _DOT
_CLASSES[ord(" ")] = _SPACE
_CLASSES[ord('"')] = _QUOTE
for _char in "{}[],\n":
    _CLASSES[ord(_char)] = _STRUCT
_CLASSES[ord(":")] = _COLON
_CLASS_TABLE = bytes(_CLASSES)

# UTF-8 of what YAML refuses or reads as a line break: (lead byte, next byte low, high)
_UNSAFE_PAIRS = ((0xC2, 0x80, 0x9F), (0xED, 0xA0, 0xBF))  # C1 controls, surrogates
_UNSAFE_TRIPLES = (b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\xef\xbb\xbf", b"\xef\xbf\xbe",
                   b"\xef\xbf\xbf")


def _pack(words: list[str]) -> np.ndarray:
    """Words of up to 5 ASCII letters as little-endian integers (the first letter lowest)."""
    return np.array([int.from_bytes(w.encode(), "little") for w in words], dtype=np.uint64)


def _spellings(word: str) -> list[str]:
    """Every upper/lower case spelling of ``word``."""
    out = [""]
    for char in word:
        out = [s + c for s in out for c in {char.lower(), char.upper()}]
    return out


_LITERALS = _pack(["true", "false", "null"])
# YAML 1.1's booleans and nulls in any case: refused (PyYAML reads some of them, and a
# spelling it reads as a string is rare enough to go the slow way)
_YAML_WORDS = _pack([s for w in ("y", "n", "yes", "no", "on", "off", "true", "false", "null")
                     for s in _spellings(w)])
_EXPONENT_NUMBER = re.compile(rb"-?[0-9]+\.[0-9]+[eE][-+][0-9]+")
_LONGEST_NUMBER = 300


def _unsafe(data: bytes, b: np.ndarray) -> bool:
    if data.isascii():
        return b"\x7f" in data
    if b"\x7f" in data or any(triple in data for triple in _UNSAFE_TRIPLES):
        return True
    for lead, low, high in _UNSAFE_PAIRS:
        at = np.flatnonzero(b[:-1] == lead) + 1
        if at.size and ((b[at] >= low) & (b[at] <= high)).any():
            return True
    return False


def _insert(data: np.ndarray, where: np.ndarray, values: np.ndarray) -> bytes:
    """``data`` with ``values[i]`` inserted before ``data[where[i]]`` (``where`` sorted):
    ``np.insert`` without its sort."""
    out = np.empty(data.size + where.size, dtype=np.uint8)
    slots = where + np.arange(where.size)
    kept = np.ones(out.size, dtype=bool)
    kept[slots] = False
    out[slots] = values
    out[kept] = data
    return out.tobytes()


def rows_json(block: str) -> tuple[bytes, int, int, int, int] | None:
    """The rows of ``block`` (``- {...}`` lines) as a JSON list (UTF-8 text), with the
    number of ``:`` separators (one per key), of ``{`` (one per mapping), of rows, and the
    deepest nesting of brackets; None where a token might read differently."""
    data = block.encode("utf-8", "surrogatepass")
    if not data.startswith(b"- {") or not data.endswith(b"}") or b"\t" in data \
            or b"\r" in data or b"-Infinity" in data:
        return None  # (JSON reads a bare -Infinity as a float, YAML as a string)
    b = np.frombuffer(data, np.uint8)
    if _unsafe(data, b):
        return None
    classes = data.translate(_CLASS_TABLE)
    cls = np.frombuffer(classes, np.uint8).copy()
    quotes = b'"' in data
    if quotes:
        quote = cls == _QUOTE
        if b"\\" in data:
            escaped = _escaped(b)
            if escaped is None:
                return None
            quote[escaped] = False  # an escaped quote neither opens nor closes a string
        opening = np.bitwise_xor.accumulate(quote.view(np.uint8)).view(bool)
        cls[opening] = _QUOTE  # strings' content, so that nothing in them is a token
        if (cls == _BAD).any():
            return None
    elif b"\x00" in classes:
        return None
    # each row is a line "- {...}": its "- " becomes "[ " (the first) or ", " (the others)
    lines = np.flatnonzero(cls == _STRUCT)
    lines = lines[b[lines] == ord("\n")]
    if lines.size and (lines[-1] + 3 >= b.size or (b[lines + 1] != ord("-")).any()
                       or (b[lines + 2] != ord(" ")).any() or (b[lines + 3] != ord("{")).any()):
        return None  # a row over several lines, or another line between rows
    out = b.copy()
    out[0], out[lines + 1] = ord("["), ord(",")
    cls[0], cls[lines + 1] = _STRUCT, _STRUCT
    # the separators: every token lies between two of them
    separators = np.flatnonzero(cls >= _STRUCT)
    after = separators[:-1] + 1
    ends = separators[1:]
    starts = after + (cls[after] == _SPACE)
    full = starts < ends
    starts, ends = starts[full], ends[full]
    if (cls[starts] == _SPACE).any() or (cls[ends - 1] == _SPACE).any():
        return None  # two spaces after a separator, or one before it (YAML drops it)
    marks = out[separators]
    colons = separators[marks == ord(":")]
    if colons.size and (cls[colons + 1] != _SPACE).any():
        return None
    kind = cls[starts]
    if quotes:
        strings = kind == _QUOTE
        last = ends[strings] - 1
        if np.count_nonzero(quote & opening) != np.count_nonzero(strings) or \
                not (quote[last] & ~opening[last]).all():
            return None  # a string that is not a whole token
    numbers = (kind == _DIGIT) | (kind == _SIGN) | (kind == _DOT)
    lengths = ends - starts
    if numbers.any() and lengths[numbers].max() > _LONGEST_NUMBER:
        return None
    # an exponent: only the form YAML 1.1 reads as a float
    e_after_digit = np.flatnonzero((cls[1:] == _E) & (cls[:-1] == _DIGIT)) + 1
    if e_after_digit.size:
        token = np.searchsorted(starts, e_after_digit, side="right") - 1
        for t in np.unique(token[numbers[token]]).tolist():
            if not _EXPONENT_NUMBER.fullmatch(data, starts[t], ends[t]):
                return None
    words = np.flatnonzero((kind == _LETTER) | (kind == _E))
    if not _plain_words(b, starts[words], lengths[words]):
        return None
    word_starts, word_ends = starts[words], ends[words]
    literal = _literals(b, word_starts, lengths[words])
    if literal is not None:
        word_starts, word_ends = word_starts[~literal], word_ends[~literal]
    where = np.empty(2 * word_starts.size, dtype=np.int64)  # interleaved, so sorted
    where[0::2], where[1::2] = word_starts, word_ends
    values = np.full(where.size, ord('"'), np.uint8)
    # .inf, -.inf and .nan: spelled Infinity, -Infinity and NaN in place, plus bytes inserted
    signed = np.flatnonzero(kind == _SIGN)
    special = np.union1d(np.flatnonzero(kind == _DOT), signed[b[starts[signed] + 1] == ord(".")])
    tails = []
    for t in special.tolist():
        text, at = data[starts[t]:ends[t]], int(starts[t])
        if text == b".nan":
            out[at:at + 4] = np.frombuffer(b"NaN ", np.uint8)
        elif text in (b".inf", b"-.inf"):
            out[at:at + len(text)] = np.frombuffer(text.replace(b".inf", b"Infi"), np.uint8)
            tails.append(int(ends[t]))
    if tails:
        where = np.concatenate([where, np.repeat(np.array(tails, dtype=np.int64), 4)])
        values = np.concatenate([values, np.tile(np.frombuffer(b"nity", np.uint8), len(tails))])
        order = np.argsort(where, kind="stable")
        where, values = where[order], values[order]
    level = np.cumsum(_STEP[marks[1:]], dtype=np.int64)  # the first mark is our "["
    return (_insert(out, where, values) + b"]", colons.size,
            int(np.count_nonzero(marks == ord("{"))), lines.size + 1, int(level.max()))


def _escaped(b: np.ndarray) -> np.ndarray | None:
    """Positions of the characters escaped by a backslash, or None if an escape reads
    otherwise in YAML than in JSON (or not at all in one of them)."""
    slash = np.flatnonzero(b == ord("\\"))
    first = np.ones(slash.size, dtype=bool)
    first[1:] = np.diff(slash) != 1
    run = np.cumsum(first) - 1
    offset = np.arange(slash.size) - np.flatnonzero(first)[run]
    escaped = slash[offset % 2 == 0] + 1  # \\ escapes the second backslash
    if escaped[-1] >= b.size or not _JSON_ESCAPES[b[escaped]].all():
        return None
    unicode = escaped[b[escaped] == ord("u")]
    if unicode.size and (unicode[-1] + 2 >= b.size or (_D[b[unicode + 1]]
                                                       & _SURROGATE_HIGH[b[unicode + 2]]).any()):
        return None  # \ud800-\udfff: JSON joins a pair, PyYAML keeps two halves
    return escaped


_JSON_ESCAPES = np.zeros(256, dtype=bool)
_JSON_ESCAPES[list(b'"\\bfnrtu')] = True
_D = np.zeros(256, dtype=bool)
_D[list(b"dD")] = True
_SURROGATE_HIGH = np.zeros(256, dtype=bool)
_SURROGATE_HIGH[list(b"89abAB")] = True


def _plain_words(b: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> bool:
    """Whether no word is one of YAML 1.1's booleans or nulls in another spelling than
    true, false or null (those all start with one of ``fFnNoOtTyY`` and have 1-5 letters)."""
    suspect = np.flatnonzero((lengths <= 5) & _SUSPECT[b[starts]])
    if not suspect.size:
        return True
    code = _codes(b, starts[suspect], lengths[suspect])
    return not np.isin(code[~np.isin(code, _LITERALS)], _YAML_WORDS).any()


def _literals(b: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
    """Which words are true, false or null (kept bare), or None for none."""
    maybe = np.flatnonzero(((lengths == 4) | (lengths == 5)) & _LITERAL_START[b[starts]])
    if not maybe.size:
        return None
    literal = np.isin(_codes(b, starts[maybe], lengths[maybe]), _LITERALS)
    if not literal.any():
        return None
    out = np.zeros(starts.size, dtype=bool)
    out[maybe[literal]] = True
    return out


def _codes(b: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Words of up to 5 bytes as integers, as :func:`_pack` gives them."""
    grid = np.zeros((starts.size, 8), dtype=np.uint8)
    for k in range(5):
        grid[:, k] = b[np.minimum(starts + k, b.size - 1)]
    grid[np.arange(8)[None, :] >= lengths[:, None]] = 0
    return grid.view("<u8").ravel()


_SUSPECT = np.zeros(256, dtype=bool)
_SUSPECT[list(b"fFnNoOtTyY")] = True
_LITERAL_START = np.zeros(256, dtype=bool)
_LITERAL_START[list(b"tfn")] = True
_STEP = np.zeros(256, dtype=np.int8)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1
