"""The package's tables are the core's, and its checks say what the core says."""

import math

import pytest

from dpo_sim import tables
from dpo_sim.tables import SettingsError

# Text a reader might type or a program might pass, for every setting: inside and outside the
# ranges, each syntax the core's parsers refuse or accept, whitespace Rust trims and Python's
# strip() would also take, long text that is clipped, and every option name.
TEXTS = [
    "0", "1", "0.5", "-0", "-0.0", "+0.5", ".5", "5.", "1e0", "1E-2", "2.5e1", "1e", "e5", "1e+", "--1", "+-1", "1.5",
    "-0.1", "1e400", "-1e400", "1e-400", "NaN", "nan", "inf", "-Infinity", "INF", "0x10", "1_0", "1,5", "٣", "²",
    "", " ", "abc", "0.5 ", " 0.5", "\u00a00.5", "\u20030.5\u3000", "\x1c0.5", "\t4\n", "4", "4.0", "+4", "-4",
    "00004", "256", "257", "3", "1024", "1025", "4294967295", "4294967296", "18446744073709551616", "1000", "1000.0001",
    "0.0001", "0.00009999", "10", "10.0000001", "-1", "-1.0000001", "true", "false", "True", " true", "1.0",
    "x" * 50, "é" * 45, "linear", "tabular", "Linear", "linear ", "independent", "contrastive", "bvw", "mixr", "mixp",
    "bt", "oracle", "noise", "concave",
]


def test_the_tables_are_the_cores(core):
    built = core(tables=True)["tables"]
    for name in ("fields", "presets", "charts", "metrics", "defaults"):
        assert tables.TABLES[name] == built[name], name
    assert list(tables.FIELDS) == [f["key"] for f in built["fields"]]


def test_every_setting_is_checked_with_the_cores_message(core):
    cases = [(key, text) for key in tables.FIELDS for text in TEXTS]
    answers = core(queries=[f"{key}={text}" for key, text in cases])["normalized"]
    refused = 0
    for (key, text), answer in zip(cases, answers):
        try:
            value = tables.parse_value(tables.FIELDS[key], text)
        except SettingsError as e:
            assert answer.get("error") == str(e), (key, text)
            assert e.key == key
            refused += 1
            continue
        assert "query" in answer, (key, text, answer)
        shown = tables.parse_query(answer["query"])[key]
        assert shown == value and type(shown) is type(value), (key, text, shown, value)
    # Both kinds are well represented.
    assert 200 < refused < len(cases) - 200


@pytest.mark.parametrize("query", ["colour=red", "quality", "quality=0.5&&support", "x" * 60 + "=1", " support = 0.25 &quality=1"])
def test_queries_are_read_as_the_core_reads_them(core, query):
    answer = core(queries=[query])["normalized"][0]
    try:
        settings = tables.parse_query(query)
    except SettingsError as e:
        assert answer == {"error": str(e)}
    else:
        assert tables.parse_query(answer["query"]) == {**tables.DEFAULTS, **settings}


def test_python_numbers_read_as_javascript_writes_them(core):
    numbers = [0.0, -0.0, 0.5, 1.0, 100.0, 1e-5, 1e-6, 1e-7, 1.5e-7, 123456789.125, 1e20, 1e21, 2.5e21, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, -3.25e-9]
    assert [tables.js_text(x) for x in numbers] == core(numbers=numbers)["numbers"]
    assert [tables.js_text(x) for x in (math.nan, math.inf, -math.inf)] == ["NaN", "Infinity", "-Infinity"]
    assert (tables.js_text(True), tables.js_text(7), tables.js_text("mixp")) == ("true", "7", "mixp")


def test_values_of_python_types_are_checked_as_a_page_checks_them():
    assert tables.check("quality", 0.25) == 0.25
    assert tables.check("n", 64.0) == 64  # a whole float is a whole number, as in JavaScript
    assert tables.check("exact", True) is True
    assert tables.check("design", "mixp") == "mixp"
    with pytest.raises(SettingsError, match=r"^lr = '0.00001' is not allowed: lr must be a number from 0.0001 to 1000$"):
        tables.check("lr", 1e-5)
    with pytest.raises(SettingsError, match=r"^quality: a value may not contain '&' or '='$"):
        tables.check("quality", "0.5&n=4")
    with pytest.raises(SettingsError, match=r"^quality = 'True' is not allowed"):
        tables.check("quality", "True")


def test_presets_bring_their_settings_and_unknown_ones_are_named():
    quality = tables.preset_settings("quality")
    assert quality["quality"] == 1.0 and quality["model"] == "tabular"
    assert set(quality) == set(tables.FIELDS)
    with pytest.raises(SettingsError, match=r"^unknown preset 'nope' \(known: support, quality, "):
        tables.preset_settings("nope")
