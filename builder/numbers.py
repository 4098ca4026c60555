"""The bounds of every number Tremplin handles: answers, values the rules compute, numbers
written in a service file.

A number has at most :data:`MAX_DIGITS` significant digits and stays below
:data:`LIMIT` (10^15) in size; a float must be finite. Within these bounds a number
prints, converts to a float and goes into JSON without loss or error (Python refuses to
print an integer of more than 4,300 digits), and no arithmetic on two of them can take
noticeable time. See docs/format.md (« Nombres ») and docs/expressions.md.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

MAX_DIGITS = 15
LIMIT = 10 ** MAX_DIGITS  # excluded: 999 999 999 999 999 is the largest whole number


def is_number(value: Any) -> bool:
    """True for ints and floats (booleans are not numbers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def in_bounds(value: int | float) -> bool:
    """True when the number is finite and its size is below :data:`LIMIT`."""
    if isinstance(value, float):
        return math.isfinite(value) and -LIMIT < value < LIMIT
    return -LIMIT < value < LIMIT


def written_in_bounds(number: Decimal) -> bool:
    """True when a number read from text has at most :data:`MAX_DIGITS` significant
    digits (as written: ``1.50`` has three) and is below :data:`LIMIT`."""
    return number.is_finite() and len(number.as_tuple().digits) <= MAX_DIGITS and abs(number) < LIMIT
