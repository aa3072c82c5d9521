"""The simulator as a notebook widget: the <dpo-sim> element through anywidget, its settings as
traits, its numbers back in Python.

Every settings key of the core's table is a synced trait, and so are the settings given as text
(the world as a list, ``rewards`` or ``world``, and the start point ``theta0``), checked here with
the core's messages (tables.py) before it leaves the kernel; a control moved in the front end
changes the trait. A world sets ``n`` (an ``n`` beside it must agree, as in the core). The
calls that return numbers (step, reset, metrics, history, sweep, story) are custom messages that
the front end's latest view answers, so they are awaited (``m = await sim.step(100)``): a cell
that blocks would keep the kernel from reading the answer, while ipykernel (7.4 and later) reads
a widget's messages as a cell awaits. Each waits at most ``timeout`` seconds. With no front end
(a headless run) nothing answers: the calls raise NoFrontEnd, and ``await sim.ready()`` says so
up front.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import pathlib
import time
import urllib.parse

import anywidget
import traitlets

from . import tables
from .tables import SettingsError

_STATIC = pathlib.Path(__file__).parent / "static"


class NoFrontEnd(RuntimeError):
    """No front end shows the simulator, so there is no run to ask."""


class Setting(traitlets.TraitType):
    """A setting of the core's table: a float, an int, an option's name or a flag, checked with the
    core's message (any value is taken as its text, as the element's set() takes it)."""

    def __init__(self, field: dict) -> None:
        super().__init__(default_value=tables.DEFAULTS[field["key"]], help=f"{field['label']}: {field['help']} ({field['range']})")
        self.field = field

    def validate(self, obj, value):
        return tables.check(self.field["key"], value)


class Disagreement(SettingsError, traitlets.TraitError):
    """An n against the world's length: a TraitError too, so that settings arriving together from
    the front end are all rolled back."""


class TextSetting(traitlets.Unicode):
    """A setting whose value is text: a world's list (``rewards``, ``world``) or the start point
    (``theta0``), checked with the core's message and kept as the core writes it; "" is the
    generated world, or the start at 0,0 (any value is taken as its text, as the element's set()
    takes it: a list of rewards is comma-separated)."""

    HELP = {
        "rewards": "the world as its rewards, comma-separated (4 to 256 numbers; '' for a generated world)",
        "world": "the world as responses name,reward[,phi1,phi2[,ref]], ';'-separated ('' for a generated world)",
        "theta0": "where the linear model's training starts: two numbers a,b from -100 to 100 ('' for 0,0)",
    }

    def __init__(self, key: str) -> None:
        super().__init__("", help=self.HELP[key])
        self.key = key

    def validate(self, obj, value):
        if self.key == tables.START_KEY and value == "":
            return ""  # the start at 0,0: the core leaves theta0 out of its settings then
        return tables.check(self.key, value)


def _names(name: str, value, known: list) -> str | None:
    """A comma-separated list of names (or a list of them), each one of `known`, as the element checks it."""
    if value is None:
        return None
    text = value if isinstance(value, str) else ",".join(map(str, value))
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names or any(n not in known for n in names):
        raise SettingsError(name, f'{name}="{text[:40]}" is not allowed: {name} lists {", ".join(known)}')
    return ",".join(names)


async def _until(done, timeout: float) -> bool:
    """Whether `done()` comes true within `timeout` seconds. The kernel (ipykernel 7.4 and later)
    reads a widget's messages while a cell awaits; without a kernel none can arrive: it says at once."""
    if done():
        return True
    if _kernel() is None:
        return False
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


def _kernel_note() -> str:
    """Why a kernel older than ipykernel 7.4 never hears the answer."""
    try:
        from ipykernel import version_info
    except ImportError:
        return ""
    if version_info >= (7, 4):
        return ""
    return f" (ipykernel {'.'.join(map(str, version_info[:3]))} reads a widget's answer only after the cell: ipykernel 7.4 or later reads it while the cell awaits)"


def _kernel():
    """The IPython kernel this runs in, or None (a script, a test, marimo)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return getattr(get_ipython(), "kernel", None)


def _rows(rows: list):
    """Rows as a pandas DataFrame when pandas is installed, else as they are (a list of dicts)."""
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)


class Simulator(anywidget.AnyWidget):
    """The DPO sampling-quality simulator in a notebook cell.

    ``Simulator(preset="quality", plots="landscape,signal", quality=0.5)``: the scenario's
    settings, then any settings key on top; ``plots``, ``controls``, ``pace``, ``steps``,
    ``heading`` and ``autoplay`` are the element's attributes. Each is a trait: assign it
    (``sim.quality = 0.8``) and the view follows; move a control and the trait follows.
    """

    _esm = _STATIC / "widget.js"

    preset = traitlets.Unicode("", help="the scenario whose settings the run starts from ('' for none)").tag(sync=True)
    plots = traitlets.Any(None, help="the plots shown: comma-separated, or a list").tag(sync=True)
    controls = traitlets.Any(None, help="the sliders shown: comma-separated, or a list").tag(sync=True)
    pace = traitlets.Unicode(None, allow_none=True, help="steps per second while playing").tag(sync=True)
    steps = traitlets.Int(None, allow_none=True, help="the story length: playing pauses there once").tag(sync=True)
    heading = traitlets.Unicode(None, allow_none=True, help="its title in your words").tag(sync=True)
    autoplay = traitlets.Bool(False, help="plays when it first scrolls into view").tag(sync=True)
    locals().update({key: Setting(field).tag(sync=True) for key, field in tables.FIELDS.items()})
    locals().update({key: TextSetting(key).tag(sync=True) for key in tables.TEXT_KEYS})

    #: Seconds a call waits for a front end to show the simulator, and then for its answer.
    timeout = 60.0
    #: Whether the output carries the self-contained page (about 350 KB) for renderers without widgets.
    html_fallback = True

    def __init__(self, preset: str = "", **kwargs) -> None:
        settings = tables.preset_settings(preset) if preset else dict(tables.DEFAULTS)
        for key in kwargs:
            if not self.has_trait(key):
                tables.find(key)
        # The settings given, on the preset's as the core applies them: a world sets n, and an n
        # given beside it must agree. (theta0="" is the start at 0,0.)
        given = [(k, "0,0" if k == tables.START_KEY and v == "" else tables.text_of(k, v))
                 for k, v in kwargs.items() if k in tables.SETTING_KEYS]
        settings = tables.apply(settings, given)
        kwargs = {k: v for k, v in kwargs.items() if k not in tables.SETTING_KEYS}
        self._views = 0
        self._replies: dict = {}
        self._ids = itertools.count(1)
        super().__init__(preset=preset, **{**settings, **kwargs})
        self.on_msg(self._on_message)
        # From here on a new preset brings its settings (not while the arguments are applied).
        self._built = True

    @traitlets.validate("preset")
    def _check_preset(self, proposal):
        if proposal["value"]:
            tables.preset_settings(proposal["value"])
        return proposal["value"]

    @traitlets.validate("plots")
    def _check_plots(self, proposal):
        return _names("plots", proposal["value"], tables.CHARTS)

    @traitlets.validate("controls")
    def _check_controls(self, proposal):
        return _names("controls", proposal["value"], list(tables.FIELDS))

    @traitlets.validate("pace")
    def _check_pace(self, proposal):
        pace = proposal["value"]
        if pace is not None and pace not in tables.PACES:
            raise SettingsError("pace", f'pace="{pace[:40]}" is not allowed: pace is one of {", ".join(tables.PACES)}')
        return pace

    @traitlets.validate("steps")
    def _check_steps(self, proposal):
        steps = proposal["value"]
        if steps is not None and steps < 1:
            raise SettingsError("steps", f'steps="{steps}" is not allowed: steps is a whole number from 1')
        return steps

    @traitlets.validate("n")
    def _check_n(self, proposal):
        # A world gives N: an n beside it must agree (Settings::apply), as the core says.
        world = tables.world_of({key: getattr(self, key) for key in tables.WORLD_KEYS})
        if world and proposal["value"] != len(world[1]):
            refused = tables.disagreement(proposal["value"], world[0], len(world[1]))
            raise Disagreement(refused.key, str(refused))
        return proposal["value"]

    @traitlets.observe(*tables.WORLD_KEYS)
    def _world_given(self, change) -> None:
        # One world at a time, under the key the core writes it by, and N is its length: sent
        # together, so the view restarts once on it.
        if not change["new"]:
            return
        key, text = tables.world_text(tables.read_world(change["name"], change["new"]))
        with self.hold_sync():
            for other in tables.WORLD_KEYS:
                if other != key:
                    setattr(self, other, "")
            setattr(self, key, text)
            self.n = len(tables.read_world(key, text))

    def notify_change(self, change) -> None:
        # A new scenario brings its settings, sent with it in one message: the view loads it once.
        # Its world first (or none), which sets n, then the rest.
        if change["name"] == "preset" and change["new"] and getattr(self, "_built", False):
            settings = tables.preset_settings(change["new"])
            with self.hold_sync():
                for key in sorted(settings, key=lambda k: k not in tables.WORLD_KEYS):
                    setattr(self, key, settings[key])
                super().notify_change(change)
        elif change["name"] in tables.WORLD_KEYS and change["new"]:
            # A world and the n it sets leave in one message.
            with self.hold_sync():
                super().notify_change(change)
        else:
            super().notify_change(change)

    def settings(self) -> dict:
        """Every setting, by key: the table's, then the world's lists and theta0 ("" when not given)."""
        return {key: getattr(self, key) for key in [*tables.FIELDS, *tables.TEXT_KEYS]}

    # ------------------------------------------------------------------ the front end's answers

    def _on_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict):
            return
        if content.get("kind") == "view":
            self._views = max(0, self._views + (1 if content.get("open") else -1))
        elif content.get("kind") == "reply":
            self._replies[content.get("id")] = content

    async def ready(self, timeout: float = 10.0) -> bool:
        """Whether a front end shows this simulator, waiting up to `timeout` seconds for one to say
        so. False in a headless run (nbclient, ``nbconvert --execute``, a script)."""
        return await _until(lambda: self._views > 0, timeout)

    async def _call(self, method: str, *args, timeout: float | None = None):
        timeout = self.timeout if timeout is None else timeout
        if not await self.ready(timeout):
            raise NoFrontEnd(
                f"{method}() needs the simulator on screen, and no front end shows it: display it "
                "(end a cell with it) in JupyterLab, Jupyter Notebook or VS Code, then call again. "
                "A headless run (nbclient, nbconvert --execute, a script) has no front end."
            )
        call = next(self._ids)
        self.send({"kind": "call", "id": call, "method": method, "args": list(args)})
        if not await _until(lambda: call in self._replies, timeout):
            raise TimeoutError(f"the front end did not answer {method}() within {timeout:g} s{_kernel_note()}")
        reply = self._replies.pop(call)
        if "error" in reply:
            raise ValueError(reply["error"])
        return reply.get("result")

    async def step(self, n: int = 1, *, timeout: float | None = None) -> dict:
        """Runs `n` steps on screen; returns the metrics where they ended."""
        return await self._call("step", n, timeout=timeout)

    async def reset(self, *, timeout: float | None = None) -> None:
        """Back to step 0 with the same settings."""
        await self._call("reset", timeout=timeout)

    async def metrics(self, *, timeout: float | None = None) -> dict:
        """The latest values, named like metrics.csv's columns (None where not defined)."""
        return await self._call("metrics", timeout=timeout)

    async def history(self, *, timeout: float | None = None):
        """The recorded steps: a DataFrame when pandas is installed, else a list of dicts."""
        return _rows(await self._call("history", timeout=timeout))

    async def sweep(self, over, values=None, grid=None, steps: int = 100, *, timeout: float | None = None):
        """Fresh runs across `values` of the setting `over`, or a `grid` over one or two settings
        (``over=["quality", "support"]``), each `steps` long, from these settings: one row per run
        (a DataFrame when pandas is installed). Checked by the core, with its messages."""
        spec = {"over": over, "values": values, "grid": grid, "steps": steps}
        return _rows(await self._call("sweep", spec, timeout=timeout))

    async def story(self, *, timeout: float | None = None) -> dict | None:
        """The scenario's claims judged on the runs and its end message: ``{claims: [{text, holds,
        numbers, sentence}], verdict, heading, message, done}``, or None without a scenario."""
        return await self._call("story", timeout=timeout)

    # ------------------------------------------------------------------ where widgets cannot run

    def fragment(self) -> str:
        """The address fragment of the simulator page in embed mode for these settings."""
        parts = [f"preset={self.preset}"] if self.preset else []
        parts.append(tables.to_query(self.settings()))
        parts.append("embed=1")
        parts += [f"{key}={getattr(self, key)}" for key in ("plots", "controls", "pace") if getattr(self, key)]
        if self.heading:
            parts.append(f"title={urllib.parse.quote(self.heading, safe=chr(39) + '-_.!~*()')}")
        return "&".join(parts)

    def html(self, height: int = 560) -> str:
        """The self-contained simulator page for these settings, as an ``<iframe srcdoc>``: what
        an exported notebook shows (nbconvert HTML, Quarto), where no widget can run."""
        page = (_STATIC / "standalone.html").read_text("utf-8")
        page = page.replace('<html lang="en"', f'<html lang="en" data-fragment="{html.escape(self.fragment())}"', 1)
        return (
            f'<iframe title="DPO sampling-quality simulator" srcdoc="{html.escape(page)}" '
            f'style="width: 100%; height: {height}px; border: 0"></iframe>'
        )

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        if self.html_fallback:
            data["text/html"] = self.html()
        return data, metadata
