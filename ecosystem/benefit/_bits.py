"""Bitmask kernels over the table of all 2**n coalitions.

Coalition ``S`` is the integer whose bit ``i`` is set when player ``i`` (in the
game's player order) belongs to ``S``. Every kernel here touches the table with
elementwise numpy operations (reshape, multiply, sum) rather than BLAS products:
threaded BLAS was measured thousands of times slower on the project's 2-core
machine under load.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["popcount", "subset_sum", "subset_or", "zeta_subsets", "masks_from_bool",
           "bool_from_masks", "sum_over_members", "grow_within", "BLOCK_BITS"]

#: Kernels walk tables larger than 2**BLOCK_BITS in blocks of that size, so that
#: their scratch arrays stay small next to the table itself.
BLOCK_BITS = 20


def popcount(masks: np.ndarray) -> np.ndarray:
    """Number of set bits of each mask (int64 in, uint8 out)."""
    masks = np.asarray(masks)
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(masks.astype(np.uint64)).astype(np.uint8)
    out = np.zeros(masks.shape, dtype=np.uint8)  # pragma: no cover - numpy < 2
    work = masks.astype(np.uint64)
    while np.any(work):
        out += (work & np.uint64(1)).astype(np.uint8)
        work >>= np.uint64(1)
    return out


def popcount_table(bits: int) -> np.ndarray:
    """``popcount(arange(2**bits))`` built by doubling (uint8)."""
    table = np.zeros(1, dtype=np.uint8)
    for _ in range(bits):
        table = np.concatenate([table, table + 1])
    return table


def subset_sum(weights: np.ndarray) -> np.ndarray:
    """Table of ``sum(weights[i] for i in S)`` for every coalition ``S``, in O(2**n).

    Examples
    --------
    >>> subset_sum(np.array([1.0, 10.0, 100.0]))
    array([  0.,   1.,  10.,  11., 100., 101., 110., 111.])
    """
    weights = np.asarray(weights, dtype=float)
    table = np.zeros(1 << len(weights))
    size = 1
    for w in weights:
        np.add(table[:size], w, out=table[size:2 * size])
        size *= 2
    return table


def subset_or(masks: Sequence[int] | np.ndarray) -> np.ndarray:
    """Table of the OR of ``masks[i]`` over ``i`` in S, for every coalition S (int64), by
    doubling in O(2**len(masks)).

    Examples
    --------
    >>> subset_or([0b01, 0b11, 0b100]).tolist()
    [0, 1, 3, 3, 4, 5, 7, 7]
    """
    table = np.zeros(1, dtype=np.int64)
    for mask in masks:
        table = np.concatenate([table, table | np.int64(mask)])
    return table


def zeta_subsets(table: np.ndarray, n: int) -> np.ndarray:
    """In place: replace ``f(S)`` by ``sum(f(T) for T subset of S)``; O(n 2**n)."""
    for bit in range(n):
        view = table.reshape(-1, 2, 1 << bit)
        view[:, 1, :] += view[:, 0, :]
    return table


def masks_from_bool(members: np.ndarray) -> np.ndarray:
    """Rows of a boolean (k, n) membership matrix as int64 bitmasks (n <= 62)."""
    members = np.asarray(members, dtype=bool)
    powers = np.left_shift(np.int64(1), np.arange(members.shape[1], dtype=np.int64))
    return (members * powers).sum(axis=1)


def bool_from_masks(masks: np.ndarray, n: int) -> np.ndarray:
    """Bitmasks as a boolean (k, n) membership matrix."""
    masks = np.asarray(masks, dtype=np.int64)
    return ((masks[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def sum_over_members(table: np.ndarray, n: int, out: np.ndarray | None = None,
                     offset_bits: int = 0, high: int = 0) -> np.ndarray:
    """``out[i] += sum(table[T] for T containing i)`` for a block of the full table.

    ``table`` holds coalitions ``high << offset_bits | low`` for every ``low`` below
    ``2**offset_bits``; bits above ``offset_bits`` come from ``high``.
    """
    if out is None:
        out = np.zeros(n)
    low_bits = offset_bits if offset_bits else n
    for bit in range(low_bits):  # each player's bit has its own stride
        out[bit] += table.reshape(-1, 2, 1 << bit)[:, 1, :].sum()
    if high:
        total = table.sum()
        for bit in range(low_bits, n):  # fixed in the block: in all its coalitions or in none
            if (high >> (bit - low_bits)) & 1:
                out[bit] += total
    return out


def grow_within(start: np.ndarray, allowed: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Grow every bitmask of ``start`` along ``neighbours`` (``neighbours[i]``: the mask of
    i's neighbours) without leaving the matching ``allowed`` mask, all at once.

    The neighbours of a set are looked up 8 members at a time (tables of 256 ORs), and
    each pass adds one breadth-first layer to the sets still growing. The result has
    ``start``'s dtype (int32 halves the memory for tables of up to 31 members).

    Examples
    --------
    >>> path = np.array([0b010, 0b101, 0b010])  # 0 - 1 - 2
    >>> grow_within(np.array([0b001, 0b001]), np.array([0b111, 0b101]), path).tolist()
    [7, 1]
    """
    dtype = start.dtype
    lookups = [subset_or(neighbours[first:first + 8]).astype(dtype)  # one table per 8 members
               for first in range(0, len(neighbours), 8)]
    reach = start.copy()
    todo = np.flatnonzero(reach)
    while todo.size:  # one breadth-first layer per pass, only on sets still growing
        current = reach[todo]
        grown = np.zeros_like(current)
        for c, lookup in enumerate(lookups):
            grown |= lookup[(current >> (8 * c)) & 255]
        new = current | (grown & allowed[todo])
        changed = new != current
        reach[todo] = new
        todo = todo[changed]
    return reach
