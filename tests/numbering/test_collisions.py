"""The first free number, computed arithmetically, against a number-by-number brute force."""

import re
from types import SimpleNamespace

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from numbering.collisions import taken_numbers

# Letters whose casefold changes length, digits that are not 0-9, and digits 0-3 to collide.
ALPHABET = "0123aA-ßİs٣²５"
affixes = st.text(alphabet=ALPHABET, max_size=3)
digits = st.text(alphabet="0123456789", max_size=3)


def retired(prefix, suffix, first, last):
    return SimpleNamespace(prefix=prefix, suffix=suffix, first_number=first, last_number=last)


def brute_force_first_free(prefix, suffix, formats, start):
    """One number at a time, comparing casefolded strings: slow, obviously right."""
    issued = {
        f"{old.prefix}{m}{old.suffix}".casefold()
        for old in formats
        for m in range(old.first_number, old.last_number + 1)
    }
    number = start
    while f"{prefix}{number}{suffix}".casefold() in issued:
        number += 1
    return number


def number_in(reference, prefix, suffix):
    """The number n with prefix + n + suffix == reference (casefolded), if there is one."""
    ref, prefix, suffix = reference.casefold(), prefix.casefold(), suffix.casefold()
    if len(ref) <= len(prefix) + len(suffix) or not (
        ref.startswith(prefix) and ref.endswith(suffix)
    ):
        return None
    middle = ref[len(prefix) : len(ref) - len(suffix)]
    return int(middle) if re.fullmatch("[1-9][0-9]*", middle) else None


@st.composite
def older_format(draw, prefix, suffix):
    """Often the current format with digits moved between an affix and the number."""
    old_prefix = draw(
        st.one_of(
            affixes,
            digits.map(lambda extra: prefix + extra),
            st.integers(0, len(prefix)).map(lambda cut: prefix[:cut]),
        )
    )
    old_suffix = draw(
        st.one_of(
            affixes,
            digits.map(lambda extra: extra + suffix),
            st.integers(0, len(suffix)).map(lambda cut: suffix[cut:]),
        )
    )
    if draw(st.booleans()):
        old_prefix, old_suffix = old_prefix.upper(), old_suffix.upper()
    first = draw(st.one_of(st.integers(1, 150), st.integers(1, 10**13)))
    return retired(old_prefix, old_suffix, first, first + draw(st.integers(0, 300)))


@st.composite
def cases(draw):
    prefix, suffix = draw(affixes), draw(affixes)
    formats = draw(st.lists(older_format(prefix, suffix), min_size=1, max_size=4))
    # Start just before a number an older format took (at the ends of its range, often),
    # or anywhere.
    old = draw(st.sampled_from(formats))
    ends = st.sampled_from([old.first_number, old.last_number])
    issued = draw(st.one_of(ends, st.integers(old.first_number, old.last_number)))
    taken = number_in(f"{old.prefix}{issued}{old.suffix}", prefix, suffix)
    anywhere = st.one_of(st.integers(1, 200), st.integers(1, 10**13))
    if taken is None or draw(st.integers(0, 3)) == 0:
        start = draw(anywhere)
    else:
        start = max(1, taken - draw(st.integers(0, 5)))
    return prefix, suffix, formats, start


@settings(max_examples=600, deadline=None)
@given(cases())
@example(("A", "", [retired("A1", "", 1, 5)], 11))
@example(("", "", [retired("", "1", 1, 2)], 11))
@example(("ss", "", [retired("ß", "", 1, 9)], 1))
@example(("A", "", [retired("A٣", "", 1, 50)], 31))  # "٣" is not the digit 3
@example(("A1", "", [retired("A", "", 100, 400)], 5))  # "A15" is not "A1" + "05"
@example(("N", "5", [retired("N", "", 23, 300)], 1))  # "N15": 15 is below the range
@example(("N", "5", [retired("N", "", 1, 27)], 3))  # "N35": 35 is above it
@example(("A", "7", [retired("A05", "", 1, 9)], 5))  # "A57" is not "A" + "05" + "7"
def test_first_free_number_matches_the_brute_force(case):
    prefix, suffix, formats, start = case
    found = taken_numbers(prefix=prefix, suffix=suffix, retired=formats).first_free(start)
    event("skipped" if found != start else "free at start")
    assert found == brute_force_first_free(prefix, suffix, formats, start)


def first_free(prefix, suffix, formats, start):
    return taken_numbers(prefix=prefix, suffix=suffix, retired=formats).first_free(start)


def test_a_longer_older_prefix_leaves_a_gap_of_billions_jumped_at_once():
    # "A1" issued up to 10^10: "A12000000000" .. "A19999999999" are all taken.
    formats = [retired("A1", "", 1, 10**10)]
    assert first_free("A", "", formats, 12 * 10**9) == 2 * 10**10
    assert first_free("A", "", formats, 10**10 + 1) == 10**10 + 1  # "A1" + "0000000001"


def test_ten_older_suffixes_cover_every_last_digit_for_billions():
    # Suffixes "0".."9" issued up to 10^9: every number from 10 to 10^10 + 9 is taken.
    formats = [retired("", str(digit), 1, 10**9) for digit in range(10)]
    assert first_free("", "", formats, 10) == 10**10 + 10
    # Without suffix "0", the numbers ending in 0 stay free.
    assert first_free("", "", formats[1:], 10) == 10
    assert first_free("", "", formats[1:], 11) == 20


def test_an_older_suffix_starting_with_digits_takes_every_tenth_number():
    formats = [retired("N", "7-X", 1, 10**9)]
    assert first_free("N", "-X", formats, 17) == 18
    assert first_free("N", "-X", formats, 10**10 + 7) == 10**10 + 8
    assert first_free("N", "-X", formats, 10**10 + 17) == 10**10 + 17  # W = 10^9 + 1
