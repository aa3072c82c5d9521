"""The Simulator in the kernel: its traits, its checks, its calls answered by a stand-in front
end, and the HTML it leaves where widgets cannot run."""

import asyncio
import html
import re
import sys

import pytest

from dpo_sim import DEFAULTS, FIELDS, NoFrontEnd, SettingsError, Simulator
from dpo_sim import tables


class FrontEnd:
    """Answers the simulator's calls as the widget's view does, and records them."""

    def __init__(self, sim, answers):
        self.calls = []
        self.sim = sim
        sim.send = self.receive
        self.answers = answers
        self.say({"kind": "view", "open": True})

    def say(self, content):
        self.sim._on_message(self.sim, content, [])

    def receive(self, content, buffers=None):
        self.calls.append(content)
        answer = self.answers[content["method"]]
        reply = answer(*content["args"]) if callable(answer) else {"result": answer}
        self.say({"kind": "reply", "id": content["id"], **reply})


def test_every_setting_is_a_synced_trait_with_the_cores_default():
    sim = Simulator()
    for key in tables.SETTING_KEYS:
        assert sim.trait_metadata(key, "sync") is True, key
        assert getattr(sim, key) == DEFAULTS[key], key
    assert sim.get_state()["design"] == "contrastive"
    assert sim.settings() == DEFAULTS
    assert tables.TEXT_KEYS == ["rewards", "world", "theta0"]
    assert (sim.rewards, sim.world, sim.theta0) == ("", "", "")


def test_a_preset_then_the_settings_given_then_the_view():
    sim = Simulator(preset="quality", plots="landscape, signal", quality=0.25, controls=["quality", "lr"])
    assert sim.quality == 0.25
    assert sim.model == "tabular" and sim.lr == 5.0  # from the preset
    assert (sim.plots, sim.controls, sim.preset) == ("landscape,signal", "quality,lr", "quality")
    sim.preset = "online"
    assert sim.settings() == tables.preset_settings("online")


def test_a_new_preset_and_its_settings_leave_in_one_message():
    sim = Simulator(quality=0.5)
    sent = []
    sim.comm.send = lambda data=None, **kw: sent.append(data)
    sim.preset = "support"
    updates = [m["state"] for m in sent if m.get("method") == "update"]
    assert len(updates) == 1 and updates[0]["preset"] == "support" and updates[0]["support"] == 0.3


@pytest.mark.parametrize(("key", "value", "message"), [
    ("quality", 1.5, "quality = '1.5' is not allowed: quality must be a number from 0 to 1"),
    ("n", 3, "n = '3' is not allowed: n must be a whole number from 4 to 256"),
    ("design", "mixq", "design = 'mixq' is not allowed: design must be one of independent, contrastive, bvw, mixr, mixp"),
    ("seed", -1, "seed = '-1' is not allowed: seed must be a whole number from 0 to 4294967295"),
    ("plots", "landscape,pie", 'plots="landscape,pie" is not allowed: plots lists landscape, signal, reward, map, curves, convergence'),
    ("pace", "7", 'pace="7" is not allowed: pace is one of 2, 10, 30, 100, 300, max'),
    ("steps", 0, 'steps="0" is not allowed: steps is a whole number from 1'),
    ("theta0", "1.5", "theta0 = '1.5' is not allowed: theta0 must be two numbers from -100 to 100, separated by a comma (as in 1.5,-2)"),
    ("theta0", "0,101", "theta0 = '0,101' is not allowed: theta0 must be two numbers from -100 to 100, separated by a comma (as in 1.5,-2)"),
    ("rewards", "1,2,x,4", "rewards, value 3: 'x' is not a finite number (rewards must be 4 to 256 comma-separated numbers)"),
    ("rewards", [1, 2, 3], "rewards gives 3 responses: a world has 4 to 256 (rewards must be 4 to 256 comma-separated numbers)"),
    ("world", "a,1;b,2;c,3", "world gives 3 responses: a world has 4 to 256"),
    ("world", "a,1;b,2,0.5;c,3;d,4", "world, response 2, phi1: give phi1 and phi2 together"),
    ("world", "a,1;a,2;c,3;d,4", "world, response 2: the name 'a' is given twice"),
    ("world", "a=1,1;b,2;c,3;d,4", "world: a value may not contain '&' or '='"),
])
def test_a_refused_value_is_said_as_everywhere_and_changes_nothing(key, value, message):
    sim = Simulator()
    before = sim.get_state()
    with pytest.raises(SettingsError) as refused:
        setattr(sim, key, value)
    assert str(refused.value) == message
    assert sim.get_state() == before
    with pytest.raises(SettingsError, match=re.escape(message)):
        Simulator(**{key: value})


def test_unknown_arguments_are_named():
    with pytest.raises(SettingsError, match=r"^unknown setting 'colour' \(known: quality, support, "):
        Simulator(colour="red")
    with pytest.raises(SettingsError, match=r"^unknown preset 'nope'"):
        Simulator(preset="nope")


def test_a_control_moved_in_the_front_end_changes_the_trait_once_checked():
    sim = Simulator()
    sim.set_state({"quality": 0.75, "n": 64})
    assert (sim.quality, sim.n) == (0.75, 64)
    with pytest.raises(SettingsError):
        sim.set_state({"quality": 2})
    assert sim.quality == 0.75


def test_calls_are_answered_by_the_front_end():
    sim = Simulator(preset="quality")
    metrics = {"step": 5, "expected_reward": 0.5, "target_distance": None}
    rows = [{"step": 0, "loss": 0.7}, {"step": 1, "loss": 0.6}]
    front = FrontEnd(sim, {
        "step": lambda n: {"result": {**metrics, "step": n}},
        "metrics": metrics, "reset": None, "story": {"verdict": "✓", "claims": []},
        "history": rows,
        "sweep": lambda spec: {"error": f"unknown setting '{spec['over']}' (known: quality, ...)"},
    })
    assert asyncio.run(sim.step(5))["step"] == 5
    assert asyncio.run(sim.metrics()) == metrics
    assert asyncio.run(sim.reset()) is None
    assert asyncio.run(sim.story())["verdict"] == "✓"
    frame = asyncio.run(sim.history())
    assert list(frame["loss"]) == [0.7, 0.6] and list(frame.columns) == ["step", "loss"]
    with pytest.raises(ValueError, match=r"^unknown setting 'colour'"):
        asyncio.run(sim.sweep(over="colour", values=[0, 1], steps=10))
    assert front.calls[-1]["args"] == [{"over": "colour", "values": [0, 1], "grid": None, "steps": 10}]
    assert [c["method"] for c in front.calls] == ["step", "metrics", "reset", "story", "history", "sweep"]
    assert len({c["id"] for c in front.calls}) == len(front.calls)


def test_without_pandas_rows_are_a_list_of_dicts(monkeypatch):
    sim = Simulator()
    FrontEnd(sim, {"history": [{"step": 0}]})
    monkeypatch.setitem(sys.modules, "pandas", None)
    assert asyncio.run(sim.history()) == [{"step": 0}]


def test_without_a_front_end_the_calls_say_so_at_once():
    sim = Simulator()
    assert asyncio.run(sim.ready(timeout=5)) is False
    with pytest.raises(NoFrontEnd, match=r"^step\(\) needs the simulator on screen, and no front end shows it"):
        asyncio.run(sim.step(3))
    front = FrontEnd(sim, {"metrics": {"step": 0}})
    assert asyncio.run(sim.ready()) is True
    front.say({"kind": "view", "open": False})
    with pytest.raises(NoFrontEnd):
        asyncio.run(sim.metrics())


def test_the_html_fallback_is_the_standalone_page_for_these_settings():
    sim = Simulator(preset="online", quality=0.5, exact=True, plots="reward,signal", heading="Online DPO & me")
    data, _ = sim._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    frame = data["text/html"]
    assert frame.startswith('<iframe title="DPO sampling-quality simulator" srcdoc="') and frame.endswith("></iframe>")
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert page == (tables.resources.files("dpo_sim") / "static/standalone.html").read_text("utf-8").replace(
        '<html lang="en"', f'<html lang="en" data-fragment="{html.escape(sim.fragment())}"', 1)
    fragment = html.unescape(re.search(r'data-fragment="([^"]*)"', page).group(1))
    parts = dict(part.split("=", 1) for part in fragment.split("&"))
    assert (parts["preset"], parts["embed"], parts["plots"], parts["title"]) == ("online", "1", "reward,signal", "Online%20DPO%20%26%20me")
    settings = tables.parse_query("&".join(f"{k}={v}" for k, v in parts.items() if k in FIELDS))
    assert settings == sim.settings() and settings["exact"] is True and parts["exact"] == "1"
    Simulator.html_fallback = False
    try:
        assert "text/html" not in sim._repr_mimebundle_()[0]
    finally:
        Simulator.html_fallback = True


def test_a_world_sets_n_and_leaves_with_it_in_one_message():
    sim = Simulator(preset="quality")
    sent = []
    sim.comm.send = lambda data=None, **kw: sent.append(data)
    sim.world = "helpful,2;verbose,1;refusal,-1;off,0"
    assert (sim.world, sim.rewards, sim.n) == ("helpful,2;verbose,1;refusal,-1;off,0", "", 4)
    updates = [m["state"] for m in sent if m.get("method") == "update"]
    assert len(updates) == 1 and updates[0]["world"] == sim.world and updates[0]["n"] == 4
    # Written as the core writes it; rewards under the default names are rewards=, one world at a time.
    sim.world = " a , 1e0 ; b,2.50;c,-0;d,4 "
    assert (sim.world, sim.n) == ("a,1;b,2.5;c,-0;d,4", 4)
    sim.world = "r1,1;r2,2;r3,3;r4,4;r5,5"
    assert (sim.world, sim.rewards, sim.n) == ("", "1,2,3,4,5", 5)
    sim.world = "h%C3%A9,1,0.5,-0.5;b,2,1,1;c,3,0,0;d,4,-1,2"
    assert (sim.world, sim.rewards, sim.n) == ("h%C3%A9,1,0.5,-0.5;b,2,1,1;c,3,0,0;d,4,-1,2", "", 4)
    sim.rewards = [2, 0.5, -1, 0, 7]
    assert (sim.world, sim.rewards, sim.n) == ("", "2,0.5,-1,0,7", 5)
    # The generated world again: N stays.
    sim.rewards = ""
    assert (sim.world, sim.rewards, sim.n) == ("", "", 5)
    sim.n = 64
    assert sim.n == 64


def test_an_n_beside_a_world_must_agree_as_in_the_core():
    sim = Simulator(world="a,1;b,2;c,3;d,4")
    assert sim.n == 4
    before = sim.get_state()
    with pytest.raises(SettingsError) as refused:
        sim.n = 5
    assert str(refused.value) == "n = 5 disagrees with world, which gives 4 responses: leave n out, or make them agree"
    assert refused.value.key == "n" and sim.get_state() == before
    sim.n = 4
    with pytest.raises(SettingsError, match=r"^n = 6 disagrees with rewards, which gives 5 responses"):
        Simulator(rewards="1,2,3,4,5", n=6)
    assert Simulator(rewards="1,2,3,4,5", n=5).n == 5
    # From the front end: a world with its N is taken at once; an N against the world is refused.
    sim.set_state({"world": "x,1;y,2;z,3;w,4;v,5", "n": 5})
    assert (sim.world, sim.n) == ("x,1;y,2;z,3;w,4;v,5", 5)
    with pytest.raises(SettingsError, match=r"^n = 6 disagrees with world, which gives 5"):
        sim.set_state({"n": 6})
    assert sim.n == 5
    sim.set_state({"world": "", "n": 6})
    assert (sim.world, sim.n) == ("", 6)


def test_a_preset_brings_its_world_or_none():
    sim = Simulator(rewards="1,2,3,4", theta0="1,2")
    sim.preset = "rare-best"
    assert sim.world.startswith("helpful,2,,,-3;") and sim.n == 6 and sim.rewards == "" and sim.theta0 == ""
    assert sim.settings() == tables.preset_settings("rare-best")
    sim.preset = "quality"
    assert (sim.world, sim.n) == ("", 48)
    assert Simulator(preset="rare-best").n == 6


def test_theta0_is_a_point_read_back_as_the_core_writes_it():
    sim = Simulator()
    sim.theta0 = "1.5,-2"
    assert sim.theta0 == "1.5,-2" and sim.get_state()["theta0"] == "1.5,-2"
    sim.theta0 = " 1.50 , -2e0 "
    assert sim.theta0 == "1.5,-2"
    sim.theta0 = (0.1, -100)
    assert sim.theta0 == "0.1,-100"
    sim.theta0 = "-0,0"
    assert sim.theta0 == ""  # 0,0: the core leaves it out
    sim.theta0 = "3,4"
    sim.theta0 = ""
    assert sim.theta0 == ""
    assert Simulator(theta0="").theta0 == "" and Simulator(theta0="1,1").theta0 == "1,1"


def test_the_text_settings_reach_the_html_fallback():
    sim = Simulator(world="a,1;b,2;c,3;d,4", theta0="1.5,-2")
    parts = dict(part.split("=", 1) for part in sim.fragment().split("&"))
    assert (parts["world"], parts["theta0"], parts["n"]) == ("a,1;b,2;c,3;d,4", "1.5,-2", "4")
    assert "rewards" not in parts
