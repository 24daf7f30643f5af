"""Which numbers of a format would repeat a reference that an older format issued.

A reference is prefix + number + suffix, the number in ASCII digits without leading
zeros, and references are compared casefolded, as search compares them. For one older
format and one length of its numbers, the two references can only be the same string
if every digit of the new number is fixed by that string except one run W, shared with
the old number:

    new number = G1 W G2        old number = F1 W F2        (G1, G2, F1, F2 fixed)

The old number's range bounds W to an interval, so the numbers taken are those whose
last len(G2) digits read G2 and whose leading digits G1 W lie in an interval. Finding
the first free number then jumps over intervals and branches on the last digits of G2:
its work grows with the number of older formats and digits, never with a gap's size.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from numbering.validators import ASCII_DIGITS


class IssuedFormat(Protocol):
    prefix: str
    suffix: str
    first_number: int
    last_number: int


@dataclass(frozen=True)
class Taken:
    """Numbers n with n % 10**tail_digits == tail and n // 10**tail_digits in [low, high]."""

    tail_digits: int
    tail: int
    low: int
    high: int

    @property
    def highest(self) -> int:
        return self.high * 10**self.tail_digits + self.tail


def _taken_by(
    *, new: tuple[str, str], old: tuple[str, str], n_length_old: int, low: int, high: int
) -> Taken | None:
    """The new format's numbers whose reference equals one of the old format's.

    Only old numbers of `n_length_old` digits, within [low, high], are considered: an old
    "number" with a leading zero is below 10**(n_length_old - 1) <= low, so it never counts.
    """
    (prefix, suffix), (old_prefix, old_suffix) = new, old
    n_length = len(old_prefix) + n_length_old + len(old_suffix) - len(prefix) - len(suffix)
    if n_length < 1:
        return None
    # None marks a digit of the number; where both are None the digit is shared (W).
    new_chars = [*prefix, *[None] * n_length, *suffix]
    old_chars = [*old_prefix, *[None] * n_length_old, *old_suffix]
    shared = []
    for new_char, old_char in zip(new_chars, old_chars, strict=True):
        if new_char is not None and old_char is not None and new_char != old_char:
            return None
        shared.append(old_char if new_char is None else new_char)
    n_chars = shared[len(prefix) : len(prefix) + n_length]
    m_chars = shared[len(old_prefix) : len(old_prefix) + n_length_old]
    if any(char is not None and char not in ASCII_DIGITS for char in n_chars + m_chars):
        return None
    width = n_chars.count(None)
    if width == 0:
        n_text, m_text = "".join(n_chars), "".join(m_chars)
        if n_text[0] == "0" or not low <= int(m_text) <= high:
            return None
        return Taken(tail_digits=0, tail=0, low=int(n_text), high=int(n_text))
    g1 = n_chars.index(None)
    f1 = m_chars.index(None)
    head, tail = "".join(n_chars[:g1]), "".join(n_chars[g1 + width :])
    m_head, m_tail = "".join(m_chars[:f1]), "".join(m_chars[f1 + width :])
    if head.startswith("0"):
        return None
    # One of the heads is empty (the slots cannot each start before the other), so W
    # leads one of the two numbers: its first digit is not zero.
    scale = 10 ** len(m_tail)
    base = int(m_head or "0") * 10 ** (width + len(m_tail)) + int(m_tail or "0")
    w_low = max(10 ** (width - 1), -((base - low) // scale))
    w_high = min(10**width - 1, (high - base) // scale)
    if w_low > w_high:
        return None
    offset = int(head or "0") * 10**width
    return Taken(
        tail_digits=len(tail), tail=int(tail or "0"), low=offset + w_low, high=offset + w_high
    )


def taken_numbers(*, prefix: str, suffix: str, retired: Iterable[IssuedFormat]) -> "TakenNumbers":
    """The numbers that `prefix` + number + `suffix` may not use, given the retired formats."""
    new = (prefix.casefold(), suffix.casefold())
    taken = []
    for old_format in retired:
        old = (old_format.prefix.casefold(), old_format.suffix.casefold())
        first, last = max(old_format.first_number, 1), old_format.last_number
        for length in range(len(str(first)), len(str(last)) + 1):
            low, high = max(first, 10 ** (length - 1)), min(last, 10**length - 1)
            if low > high:
                continue
            found = _taken_by(new=new, old=old, n_length_old=length, low=low, high=high)
            if found is not None:
                taken.append(found)
    return TakenNumbers(taken)


class TakenNumbers:
    """A union of `Taken` sets, asked for the first number from a start that is outside."""

    def __init__(self, taken: Iterable[Taken]):
        taken = list(taken)
        merged: list[list[int]] = []
        for low, high in sorted((t.low, t.high) for t in taken if t.tail_digits == 0):
            if merged and low <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        self._lows = [low for low, _ in merged]
        self._highs = [high for _, high in merged]
        self._patterns = [t for t in taken if t.tail_digits]

    def first_free(self, start: int) -> int:
        patterns = [p for p in self._patterns if p.highest >= start]
        return self._search(start, residue=0, depth=0, patterns=patterns, ranges=())

    def _search(
        self,
        start: int,
        *,
        residue: int,
        depth: int,
        patterns: list[Taken],
        ranges: tuple[tuple[int, int], ...],
    ) -> int:
        """The first n >= start with n % 10**depth == residue outside every set.

        `patterns` have more than `depth` tail digits and end with `residue`; `ranges`
        are intervals of n that the patterns matched so far exclude within this residue.
        """
        if not patterns:
            return self._first_outside(start, residue=residue, modulus=10**depth, ranges=ranges)
        modulus = 10 ** (depth + 1)
        children: dict[int, list[Taken]] = {}
        for pattern in patterns:
            digit = pattern.tail // 10**depth % 10
            children.setdefault(digit, []).append(pattern)
        # Visit the last digits by the smallest number each allows; stop once none can win.
        bounds = []
        for digit in range(10):
            child = residue + digit * 10**depth
            bounds.append((start + (child - start) % modulus, child, digit))
        best = None
        for bound, child, digit in sorted(bounds):
            if best is not None and bound >= best:
                break
            child_ranges, child_patterns = ranges, []
            for pattern in children.get(digit, []):
                if pattern.tail_digits == depth + 1:
                    low, high = pattern.low * modulus, pattern.high * modulus
                    child_ranges += ((low + pattern.tail, high + pattern.tail),)
                else:
                    child_patterns.append(pattern)
            found = self._search(
                start, residue=child, depth=depth + 1, patterns=child_patterns, ranges=child_ranges
            )
            best = found if best is None else min(best, found)
        return best

    def _first_outside(
        self, start: int, *, residue: int, modulus: int, ranges: tuple[tuple[int, int], ...]
    ) -> int:
        """The first n >= start with n % modulus == residue in no range: one jump per range."""
        number = start + (residue - start) % modulus
        while True:
            index = bisect_right(self._lows, number) - 1
            covered = self._highs[index] if index >= 0 and self._highs[index] >= number else None
            for low, high in ranges:
                if low <= number <= high and (covered is None or high > covered):
                    covered = high
            if covered is None:
                return number
            number = covered + 1
            number += (residue - number) % modulus
