"""Spreadsheet formula injection: text that a spreadsheet would run as a formula is defused.

A cell starting with = + - @ (or a tab or carriage return, which some programs skip first) is
prefixed with an apostrophe, so a name like "=HYPERLINK(...)" shows as text and never runs.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
