"""The core's tables, and settings checked against them with the core's own messages.

``tables.json`` is written at build time from the built wasm (``scripts/widget.mjs``): the
settings table of ``src/settings.rs`` with each field's allowed range as the core says it, the
presets, charts and metrics, the default settings, and the element's paces. The checks below
follow ``Field::find``, ``Field::parse_value`` and ``Settings::apply``, and for the settings that are
not numbers, ``parse_start`` (``theta0``) and ``Responses::parse_rewards``/``parse_world``
(``rewards``, ``world``: src/responses.rs); ``tests/test_tables.py`` compares their answers and
messages with the core's for many values, good and refused.
"""

from __future__ import annotations

import json
import math
import numbers
import re
import unicodedata
from importlib import resources

TABLES = json.loads(resources.files(__package__).joinpath("tables.json").read_text("utf-8"))
FIELDS = {f["key"]: f for f in TABLES["fields"]}
PRESETS = {p["key"]: p for p in TABLES["presets"]}
CHARTS = [c["key"] for c in TABLES["charts"]]
METRICS = [m["key"] for m in TABLES["metrics"]]
PACES = TABLES["paces"]
# The keys that give the world as a list (rewards=, world=), and every key a setting can be given
# by (the table's, the world's and theta0, the linear model's start point).
WORLD_KEYS = TABLES["world_keys"]
SETTING_KEYS = TABLES["setting_keys"]
# The settings whose values are text, not numbers: the world's lists and the start point.
START_KEY = "theta0"
TEXT_KEYS = [k for k in SETTING_KEYS if k not in FIELDS]
assert TEXT_KEYS == [*WORLD_KEYS, START_KEY], f"tables.json's setting keys are not the ones this package knows: {TEXT_KEYS}"
# The core's bounds on them (src/settings.rs START_LIMIT; src/responses.rs MIN_RESPONSES,
# MAX_RESPONSES, MAX_NAME; the world file's COLUMNS).
_LIMITS = TABLES["list_limits"]
START_LIMIT = _LIMITS["start_limit"]
MIN_RESPONSES, MAX_RESPONSES, MAX_NAME = _LIMITS["min_responses"], _LIMITS["max_responses"], _LIMITS["max_name"]
COLUMNS = _LIMITS["columns"]

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
        raise SettingsError(clip(key), f"unknown setting '{clip(key)}' (known: {', '.join(SETTING_KEYS)})")
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
    if isinstance(value, (list, tuple)):
        return ",".join("" if v is None else js_text(v) for v in value)  # String([2, 1, 0]) is "2,1,0"
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


def _digits(x: float) -> tuple[str, int]:
    """The shortest digits that read back to |x| (nonzero, finite), and where the point goes:
    |x| = 0.DIGITS times 10**point (Python's repr and Rust's formatting find the same digits)."""
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))
    return digits.rstrip("0"), point


def rust_text(x: float) -> str:
    """Rust's `format!("{}", x)` of a finite f64: the shortest digits that read back, never with
    an exponent ("-0" for -0)."""
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    if x == 0:
        return f"{sign}0"
    digits, point = _digits(x)
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def rust_exp(x: float) -> str:
    """Rust's `format!("{:e}", x)` of a finite f64 (1.5e-7, 1e2, 0e0)."""
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    if x == 0:
        return f"{sign}0e0"
    digits, point = _digits(x)
    head = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    return f"{sign}{head}e{point - 1}"


def short(x: float) -> str:
    """src/responses.rs `short`: plain, unless that takes more than 12 characters and `{:e}` fewer."""
    plain, scientific = rust_text(x), rust_exp(x)
    return scientific if len(plain) > 12 and len(scientific) < len(plain) else plain


def _number(text: str):
    """src/responses.rs `number`: a finite number (trimmed), or None."""
    text = text.strip(_WHITESPACE)
    if not _REAL.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


# ------------------------------------------------------------------ theta0 (src/settings.rs parse_start)


def read_start(text: str) -> tuple[float, float]:
    """`theta0=a,b` read as the core reads it: two numbers, each from -100 to 100."""
    def read(part):
        value = _number(part)
        return None if value is None or abs(value) > START_LIMIT else value + 0.0  # -0 is 0

    parts = text.split(",")
    point = [read(p) for p in parts] if len(parts) == 2 else [None]
    if None in point:
        raise SettingsError(START_KEY, f"{START_KEY} = '{clip(text)}' is not allowed: {START_KEY} must be two numbers from "
                                       f"-{START_LIMIT} to {START_LIMIT}, separated by a comma (as in 1.5,-2)")
    return point[0], point[1]


def start_text(point: tuple[float, float]) -> str:
    """A start point as the core writes it ("1.5,-2"), or "" for 0,0 (the core leaves it out then)."""
    return "" if point == (0.0, 0.0) else f"{rust_text(point[0])},{rust_text(point[1])}"


# ------------------------------------------------------------------ the world as a list (src/responses.rs)


def _default_name(i: int) -> str:
    return f"r{i + 1}"


def _decode(text: str) -> str:
    """A percent-encoded name (src/responses.rs `decode`)."""
    raw, out, i = text.encode("utf-8"), bytearray(), 0
    while i < len(raw):
        if raw[i] == 0x25:  # %: two hex digits (u8::from_str_radix also takes "+F")
            hex_ = raw[i + 1:i + 3]
            if not re.fullmatch(rb"[0-9A-Fa-f]{2}|\+[0-9A-Fa-f]", hex_):
                raise ValueError(f"'{clip(text)}' has a % not followed by two hex digits")
            out.append(int(hex_, 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"'{clip(text)}' is not UTF-8 once decoded") from None


def _encode(name: str) -> str:
    plain = b"-_.~!*'()"
    return "".join(chr(b) if (chr(b).isascii() and chr(b).isalnum()) or b in plain else f"%{b:02X}" for b in name.encode("utf-8"))


def _check_list(rows: list, what: str) -> list:
    """src/responses.rs `Responses::new`: 4 to 256 responses, names unique and printable, features
    and reference given for all or none. Rows are (name, reward, phi or None, ref or None)."""
    if not MIN_RESPONSES <= len(rows) <= MAX_RESPONSES:
        raise ValueError(f"{what} gives {len(rows)} responses: a world has {MIN_RESPONSES} to {MAX_RESPONSES}")
    seen = set()
    for row, (name, _reward, phi, ref) in enumerate(rows, 1):
        where = f"{what}, response {row}"
        if not name:
            raise ValueError(f"{where}: the name is empty")
        if len(name) > MAX_NAME:
            raise ValueError(f"{where}: the name '{clip(name)}' is {len(name)} characters long: at most {MAX_NAME}")
        if any(unicodedata.category(c) == "Cc" for c in name):
            raise ValueError(f"{where}: the name '{clip(name)}' holds a control character")
        if name in seen:
            raise ValueError(f"{where}: the name '{clip(name)}' is given twice")
        seen.add(name)
        if (phi is None) != (rows[0][2] is None):
            raise ValueError(f"{where}: give phi1 and phi2 for every response or for none")
        if (ref is None) != (rows[0][3] is None):
            raise ValueError(f"{where}: give ref for every response or for none")
    return rows


def _read_rewards(text: str) -> list:
    rule = "(rewards must be 4 to 256 comma-separated numbers)"
    rows = []
    for i, item in enumerate(text.split(",")):
        reward = _number(item)
        if reward is None:
            raise ValueError(f"rewards, value {i + 1}: '{clip(item.strip(_WHITESPACE))}' is not a finite number {rule}")
        rows.append((_default_name(i), reward, None, None))
    try:
        return _check_list(rows, "rewards")
    except ValueError as e:
        raise ValueError(f"{e} {rule}") from None


def _read_world(text: str) -> list:
    rows = []
    for i, row in enumerate(text.split(";")):
        fields = row.split(",")
        if len(fields) > len(COLUMNS):
            raise ValueError(f"world, response {i + 1}: {len(fields)} fields, but a response has at most {len(COLUMNS)} ({','.join(COLUMNS)})")
        at = [f.strip(_WHITESPACE) for f in fields] + [""] * (len(COLUMNS) - len(fields))
        place = lambda column: f"world, response {i + 1}, {COLUMNS[column]}"  # noqa: E731

        def field(column):
            if not at[column]:
                return None
            value = _number(at[column])
            if value is None:
                raise ValueError(f"{place(column)}: '{clip(at[column])}' is not a finite number")
            return value

        try:
            name = _decode(at[0]) if at[0] else _default_name(i)
        except ValueError as e:
            raise ValueError(f"{place(0)}: {e}") from None
        reward = field(1)
        if reward is None:
            raise ValueError(f"{place(1)}: missing (every response needs a reward)")
        phi1, phi2 = field(2), field(3)
        if (phi1 is None) != (phi2 is None):
            raise ValueError(f"{place(2)}: give phi1 and phi2 together")
        rows.append((name, reward, None if phi1 is None else (phi1, phi2), field(4)))
    return _check_list(rows, "world")


def read_world(key: str, text: str) -> list | None:
    """The value of a world key (rewards, world) read as the core reads it: its responses as
    (name, reward, phi or None, ref or None), or None (empty: the generated world)."""
    text = text.strip(_WHITESPACE)
    if not text:
        return None
    try:
        return _read_rewards(text) if key == "rewards" else _read_world(text)
    except ValueError as e:
        raise SettingsError(key, str(e)) from None


def _rewards_only(rows: list) -> bool:
    return all(phi is None and ref is None and name == _default_name(i) for i, (name, _r, phi, ref) in enumerate(rows))


def world_text(rows: list, key: str | None = None) -> tuple[str, str]:
    """src/responses.rs `to_text`: (key, text) as the core writes the list, rewards= for rewards
    under the default names, else world=. `key` forces one form (world= for any list)."""
    if (key or ("rewards" if _rewards_only(rows) else "world")) == "rewards":
        return "rewards", ",".join(short(r) for _n, r, _p, _l in rows)
    out = []
    for name, reward, phi, ref in rows:
        fields = [_encode(name), short(reward)]
        if phi is not None:
            fields += [short(phi[0]), short(phi[1])]
        if ref is not None:
            fields += ([] if phi is not None else ["", ""]) + [short(ref)]
        out.append(",".join(fields))
    return "world", ";".join(out)


def world_of(settings: dict) -> tuple[str, list] | None:
    """The world key and responses of full settings, or None (a generated world)."""
    for key in WORLD_KEYS:
        if settings.get(key):
            return key, read_world(key, settings[key])
    return None


def disagreement(n: int, key: str, count: int) -> SettingsError:
    """An n beside a world of another length (Settings::apply)."""
    return SettingsError("n", f"n = {n} disagrees with {key}, which gives {count} responses: leave n out, or make them agree")


# ------------------------------------------------------------------ settings


def text_of(key: str, value) -> str:
    """`value` as the text the element's set() would send for `key` (refused if it holds & or =)."""
    text = js_text(value)
    if any(c in s for c in "&=" for s in (key, text)):
        raise SettingsError(clip(key), f"{key[:40]}: a value may not contain '&' or '='")
    return text


def check(key: str, value):
    """`value` for the setting `key`, checked: any Python value, taken as its text as the element's
    set() takes a JavaScript one. A world key's value comes back as the core writes the list under
    that key ("" for none), theta0's as the core writes the point ("" for 0,0)."""
    text = text_of(key, value)
    if key in WORLD_KEYS:
        rows = read_world(key, text)
        return "" if rows is None else world_text(rows, key)[1]
    if key == START_KEY:
        return start_text(read_start(text))
    return parse_value(find(key), text)


def _blank() -> dict:
    return {key: "" for key in TEXT_KEYS}


def apply(settings: dict, parts) -> dict:
    """Full `settings` with `parts` ((key, text) pairs, or `key=value&...` text) applied on top,
    as Settings::apply does it: all or nothing, a world sets n, and an n given beside a world (in
    the same parts, or one given before) must agree with it. The world is under the key the core
    writes it by; theta0 is "" at 0,0."""
    if isinstance(parts, str):
        parts = _parts(parts)
    out = dict(settings)
    given = world_of(settings)
    rows = given and given[1]
    n_given = world_key = None
    for key, text in parts:
        if key in WORLD_KEYS:
            rows, world_key = read_world(key, text), key
        elif key == START_KEY:
            out[key] = start_text(read_start(text))
        else:
            field = find(key)
            out[field["key"]] = parse_value(field, text)
            if key == "n":
                n_given = out["n"]
    out.update({key: "" for key in WORLD_KEYS})
    if rows:
        key, text = world_text(rows)
        if n_given is not None and n_given != len(rows):
            raise disagreement(n_given, world_key or key, len(rows))
        out[key], out["n"] = text, len(rows)
    return {key: out[key] for key in [*FIELDS, *TEXT_KEYS] if key in out}


def _parts(text: str) -> list:
    out = []
    for part in text.split("&"):
        if not part.strip(_WHITESPACE):
            continue
        key, eq, value = part.partition("=")
        if not eq:
            raise SettingsError(clip(part), f"'{clip(part)}' is not of the form key=value")
        out.append((key.strip(_WHITESPACE), value))
    return out


def parse_query(text: str) -> dict:
    """`key=value&...` read as the core reads it, all or nothing, on top of the defaults: every
    setting by key (what Settings::parse gives)."""
    return apply(DEFAULTS, text)


DEFAULTS = apply(_blank(), TABLES["defaults"])
assert set(DEFAULTS) == {*FIELDS, *TEXT_KEYS}, "tables.json's defaults give every setting"


def preset_settings(key: str) -> dict:
    """Every setting of the scenario `key`: the defaults with its own on top."""
    if key not in PRESETS:
        raise SettingsError("preset", f"unknown preset '{key[:40]}' (known: {', '.join(PRESETS)})")
    return parse_query(PRESETS[key]["settings"])


def to_query(settings: dict) -> str:
    """Full settings as the core writes them (Settings::to_query): every field in table order,
    then the world when it is a list, then theta0 when it is not 0,0."""
    parts = [f"{key}={js_text(int(settings[key]) if isinstance(settings[key], bool) else settings[key])}" for key in FIELDS]
    return "&".join(parts + [f"{key}={settings[key]}" for key in TEXT_KEYS if settings.get(key)])
