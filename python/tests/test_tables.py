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
    for name in ("fields", "presets", "charts", "metrics", "defaults", "world_keys", "setting_keys"):
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
    assert set(quality) == {*tables.FIELDS, "rewards", "world", "theta0"}
    assert (quality["world"], quality["rewards"], quality["theta0"]) == ("", "", "")
    # A scenario on a given world: N is its length, as in the core.
    rare = tables.preset_settings("rare-best")
    assert rare["world"].startswith("helpful,2,,,-3;") and rare["n"] == 6
    with pytest.raises(SettingsError, match=r"^unknown preset 'nope' \(known: support, quality, "):
        tables.preset_settings("nope")


# The settings given as text: the start point and the world's two lists, each with text the core
# reads and text it refuses, the way each refusal is worded (row, column, count, name, escape).
START_TEXTS = [
    "1.5,-2", "1.5, -2", " 1.5 ,\t-2 ", "0,0", "-0,-0.0", "", " ", ",", "1,", ",1", "1", "1,2,3", "1;2", "100,-100",
    "100.0000001,0", "-100,-1e2", "1e2,1E-2", "1e-300,5", "5e-324,-5e-324", "nan,0", "0,inf", "a,b", "0.1,0.2",
    "0.30000000000000004,-0.3333333333333333", "99.99999999999999,1", "+5,.5", "5.,-.5", "\u00a01,2\u3000", "0x1,2",
    "1_0,2", "١,2", "x" * 50, "1e,2", "12345678.125,-1e-7",
]
REWARDS_TEXTS = [
    "2,0.5,-1,0", "1,2,3", "1,2,3,4,5", "", " ", "1,,2,3", "1,2,3,x", "nan,1,2,3", "1,inf,2,3", "1e400,1,2,3",
    ",".join(["1"] * 256), ",".join(["0.5"] * 257), " 1 , 2 ,3,\u00a04 ", "-0,0,1,2", "1e-300,1e300,0.1,0.2",
    "0.30000000000000004,1e21,1e22,123456789012", "1;2;3;4", "1,2,3,4,", "0.000001,0.0000001,1234567890123,1.5e-7",
    "x" * 60 + ",1,2,3", "1,2,3," + "9" * 30,
]
WORLD_TEXTS = [
    "helpful,2;verbose,1;refusal,-1;off,0", "helpful,2,,,-3;concise,1,,,0;verbose,0.5,,,2;hedging,0,,,1",
    "a,1,0.5,-0.5;b,2,1,1;c,3,0,0;d,4,-1,2", "a,1,0.5,-0.5,1;b,2,1,1,0;c,3,0,0,2;d,4,-1,2,-1", "a,1;b,2", "",
    " ; ", "a,1,2;b,1,2;c,1,2;d,1,2", "a,1,,2;b,1;c,1;d,1", "a,1,2,3,4,5;b,1;c,1;d,1", "a,1;b,2;c,3;d,4;",
    "a,x;b,1;c,2;d,3", "a;b,1;c,2;d,3", "a,1;b,2,3,4;c,3;d,4", "a,1,,,1;b,2;c,3;d,4", "a,1;a,2;c,3;d,4",
    "h%C3%A9,1;b,2;c,3;d,4", "hé,1;b,2;c,3;d,4", "%E9,1;b,2;c,3;d,4", "%+F,1;b,2;c,3;d,4", "%2,1;b,2;c,3;d,4",
    "%,1;b,2;c,3;d,4", "%zz,1;b,2;c,3;d,4", "%%41,1;b,2;c,3;d,4", "a%20b,1;b,2;c,3;d,4", "a b,1;b,2;c,3;d,4",
    "a\tb,1;b,2;c,3;d,4", "\x01a,1;b,2;c,3;d,4", "a\x7f,1;b,2;c,3;d,4", "n" * 40 + ",1;b,2;c,3;d,4",
    "n" * 41 + ",1;b,2;c,3;d,4", "é" * 41 + ",1;b,2;c,3;d,4", "%C3%A9" * 41 + ",1;b,2;c,3;d,4", ",1;,2;,3;,4",
    "r1,1;r2,2;r3,3;r4,4", "r2,1;r1,2;r3,3;r4,4", "r1,1;r2,2;r3,3;r4,4,,,0", " a , 1 ; b,2;c,3;d,4",
    "a,1e-7;b,123456789012345;c,0.1;d,1e21", "a,-0;b,1e-300;c,5e-324;d,1.7976931348623157e308",
    "a,1;b,2;c,3;d,nan", "a,1;b,2;c,3;d,1,inf,0", "日本,1;b,2;c,3;d,4", "a~!*'(),1;b-_.,2;c,3;d,4",
    ";".join(f"x{i},{i}" for i in range(256)), ";".join(f"x{i},{i}" for i in range(257)),
]
TEXT_CASES = [("theta0", t) for t in START_TEXTS] + [("rewards", t) for t in REWARDS_TEXTS] + [("world", t) for t in WORLD_TEXTS]


def _random_cases(count=600, seed=7):
    """Random worlds and start points: numbers of every size and sign (to compare how they are
    written), names of any character, escapes good and bad, the odd field left out."""
    import random

    rng = random.Random(seed)

    def number():
        kind = rng.random()
        if kind < 0.3:
            return repr(rng.uniform(-3, 3))
        if kind < 0.5:
            return repr(rng.choice([-1, 1]) * 10 ** rng.uniform(-320, 308))
        if kind < 0.7:
            return str(rng.randint(-10**15, 10**15))
        if kind < 0.8:
            return rng.choice(["0", "-0", ".5", "5.", "1e5", "-2E-3", "x", "", "inf", "1e999"])
        return f"{rng.uniform(-100, 100):.{rng.randint(0, 17)}f}"

    def name():
        pieces = ["a", "Z", "9", "-", "_", ".", "~", " ", "é", "日", "%41", "%C3%A9", "%zz", "%E9", "%", "\x02", "'", "(", "+"]
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))

    cases = []
    for _ in range(count):
        r = rng.random()
        if r < 0.25:
            cases.append(("theta0", f"{number()},{number()}"))
        elif r < 0.5:
            cases.append(("rewards", ",".join(number() for _ in range(rng.choice([3, 4, 5, 8])))))
        else:
            shape = rng.choice([2, 4, 5])
            rows = [[name(), number(), number(), number(), number()][:shape] for _ in range(rng.choice([3, 4, 6]))]
            if rng.random() < 0.6:  # well formed but for the odd slip: names told apart, numbers given
                rows += rows[:1] if len(rows) == 3 else []
                for i, row in enumerate(rows):
                    row[0] = f"{row[0].replace('%', '').replace(chr(2), '')}{i}"
                    row[1:] = [x if rng.random() < 0.97 or not x else "x" for x in (repr(rng.uniform(-9, 9)) if "x" in v or "inf" in v or not v or "e999" in v else v for v in row[1:])]
            cases.append(("world", ";".join(",".join(row) for row in rows)))
    return cases


def test_the_text_settings_are_read_and_written_as_the_core_does(core):
    """Every case through the core's normalize(): a value it reads gives the same full settings here
    (its world, n and theta0 written to the same characters); one it refuses, the same message."""
    cases = TEXT_CASES + _random_cases()
    answers = core(queries=[f"{key}={text}" for key, text in cases])["normalized"]
    read = refused = 0
    for (key, text), answer in zip(cases, answers):
        try:
            settings = tables.parse_query(f"{key}={text}")
        except SettingsError as e:
            assert answer == {"error": str(e)}, (key, text)
            refused += 1
            continue
        assert "query" in answer, (key, text, answer)
        assert tables.to_query(settings) == answer["query"], (key, text)
        assert tables.parse_query(answer["query"]) == settings
        read += 1
    assert read > 100 and refused > 100, (read, refused)


def test_a_text_setting_is_checked_as_a_trait_with_the_cores_message(core):
    """check() (what the traits use) refuses exactly what the core refuses, with its message, and
    gives the value as the core writes it under that key ("" for none); theta0's "" is the one
    value a trait takes that the core's theta0= does not: it means 0,0."""
    cases = [(k, t) for k, t in TEXT_CASES + _random_cases(100, seed=11) if "&" not in t and "=" not in t]
    answers = core(queries=[f"{key}={text}" for key, text in cases])["normalized"]
    for (key, text), answer in zip(cases, answers):
        try:
            value = tables.check(key, text)
        except SettingsError as e:
            assert answer == {"error": str(e)} and e.key == key, (key, text)
            continue
        assert "query" in answer, (key, text, answer)
        core_settings = tables.parse_query(answer["query"])
        if key == "world" and core_settings["rewards"]:
            # A world of rewards under the default names: the core writes it as rewards=.
            assert tables.check("rewards", core_settings["rewards"]) == tables.world_text(tables.read_world("world", value), "rewards")[1]
        else:
            assert value == core_settings[key], (key, text)


def test_an_n_beside_a_world_must_agree_as_in_the_core(core):
    queries = [
        "world=a,1;b,2;c,3;d,4&n=5", "n=5&rewards=1,2,3,4", "rewards=1,2,3,4&n=4", "n=4&world=a,1;b,2;c,3;d,4",
        "rewards=1,2,3,4&world=", "world=a,1;b,2;c,3;d,4&rewards=1,2,3,4,5&n=5", "world=a,1;b,2;c,3;d,4&rewards=1,2,3,4,5&n=4",
        "rewards=1,2,3,4&n=4&rewards=", "world=r1,1;r2,2;r3,3;r4,4&n=6", "theta0=1,2&theta0=-0,0", "theta0=1,2&rewards=1,x",
    ]
    answers = core(queries=queries)["normalized"]
    for query, answer in zip(queries, answers):
        try:
            settings = tables.parse_query(query)
        except SettingsError as e:
            assert answer == {"error": str(e)}, query
        else:
            assert answer == {"query": tables.to_query(settings)}, query
    assert sum("error" in a for a in answers) == 5


def test_rust_numbers_are_written_as_rust_writes_them():
    assert [tables.rust_text(x) for x in (0.0, -0.0, 1.5, -2.0, 1e-7, 1e21, 0.1 + 0.2)] == ["0", "-0", "1.5", "-2", "0.0000001", "1000000000000000000000", "0.30000000000000004"]
    assert [tables.rust_exp(x) for x in (0.0, 100.0, 1.5e-7, -123.456)] == ["0e0", "1e2", "1.5e-7", "-1.23456e2"]
    assert [tables.short(x) for x in (1e-300, 0.001, 1234567890123.0, 1e13)] == ["1e-300", "0.001", "1234567890123", "1e13"]
