"""The core's tables, and settings checked against them with the core's own messages.

``tables.json`` is written at build time from the built wasm (``scripts/widget.mjs``): the
settings table of ``src/settings.rs`` with each field's allowed range as the core says it, the
presets, charts and metrics, the default settings, and the element's paces. The checks below
follow ``Field::find``, ``Field::parse_value`` and ``Settings::apply``; ``tests/test_tables.py``
compares their messages with the core's for many refused values.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from importlib import resources

TABLES = json.loads(resources.files(__package__).joinpath("tables.json").read_text("utf-8"))
FIELDS = {f["key"]: f for f in TABLES["fields"]}
PRESETS = {p["key"]: p for p in TABLES["presets"]}
CHARTS = [c["key"] for c in TABLES["charts"]]
METRICS = [m["key"] for m in TABLES["metrics"]]
PACES = TABLES["paces"]
# The keys that give the world as a list (rewards=, world=): text the front end's core checks.
WORLD_KEYS = TABLES["world_keys"]

# What Rust's str::trim removes: Unicode White_Space (Python's str.strip also takes U+001C-U+001F).
_WHITESPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
# What the core's number parser (src/decimal.rs, as str::parse::<f64>) and str::parse::<u64> accept.
_REAL = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))")
_WHOLE = re.compile(r"\+?[0-9]+")
_BOOLS = {"0": False, "false": False, "1": True, "true": True}


class SettingsError(ValueError):
    """A refused setting: the message names the key, the value and what is allowed, as the core's does."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def clip(text: str) -> str:
    """Untrusted text shortened for a message, as the core does."""
    return text[:40] + ("…" if len(text) > 40 else "")


def find(key: str) -> dict:
    """The field `key`; unknown keys are refused naming the known ones."""
    if key not in FIELDS:
        raise SettingsError(clip(key), f"unknown setting '{clip(key)}' (known: {', '.join([*FIELDS, *WORLD_KEYS])})")
    return FIELDS[key]


def parse_value(field: dict, text: str):
    """A value given as text, checked: a float, an int, a flag or an option's name."""
    key, kind = field["key"], field["kind"]
    value = text.strip(_WHITESPACE)
    if kind == "choice" and value in field["options"]:
        return value
    if kind == "bool" and value in _BOOLS:
        return _BOOLS[value]
    if kind == "int" and _WHOLE.fullmatch(value) and field["min"] <= int(value) <= field["max"]:
        return int(value)
    if kind == "real" and _REAL.fullmatch(value):
        number = float(value)
        if math.isfinite(number) and field["min"] <= number <= field["max"]:
            return number + 0.0  # -0 is 0: one text form per setting
    raise SettingsError(key, f"{key} = '{clip(text)}' is not allowed: {key} must be {field['range']}")


def js_text(value) -> str:
    """A Python value as text the way the element's API writes a JavaScript one (String(value)), so
    that the same value gets the same message in Python and in a page."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _js_number(float(value))
    return str(value)


def _js_number(x: float) -> str:
    """Number.prototype.toString: the shortest digits that read back, plain from 1e-6 up to 1e21."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr's digits are the shortest that read back; the value is 0.DIGITS times 10**point.
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    if -6 < point <= 21:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{sign}{digits}{'0' * (point - len(digits))}"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    head = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    return f"{sign}{head}e{'+' if point > 0 else '-'}{abs(point - 1)}"


def check(key: str, value):
    """`value` for the setting `key`, checked: any Python value, taken as its text as the element's
    set() takes a JavaScript one."""
    text = js_text(value)
    if any(c in s for c in "&=" for s in (key, text)):
        raise SettingsError(clip(key), f"{key[:40]}: a value may not contain '&' or '='")
    return parse_value(find(key), text)


def parse_query(text: str) -> dict:
    """`key=value&...` read as the core reads it, all or nothing: {key: value}."""
    out = {}
    for part in text.split("&"):
        if not part.strip(_WHITESPACE):
            continue
        key, eq, value = part.partition("=")
        if not eq:
            raise SettingsError(clip(part), f"'{clip(part)}' is not of the form key=value")
        key = key.strip(_WHITESPACE)
        if key in WORLD_KEYS:
            # A world's list, kept as text: the core checks it where it runs.
            out[key] = value.strip(_WHITESPACE)
            continue
        field = find(key)
        out[field["key"]] = parse_value(field, value)
    return out


DEFAULTS = parse_query(TABLES["defaults"])


def preset_settings(key: str) -> dict:
    """Every setting of the scenario `key`: the defaults with its own on top."""
    if key not in PRESETS:
        raise SettingsError("preset", f"unknown preset '{key[:40]}' (known: {', '.join(PRESETS)})")
    return {**DEFAULTS, **parse_query(PRESETS[key]["settings"])}
