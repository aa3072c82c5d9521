"""The DPO sampling-quality simulator in a notebook: ``from dpo_sim import Simulator``.

``Simulator(preset="quality", plots="landscape,signal")`` shows the simulator (the same
``<dpo-sim>`` element as on a web page) through anywidget; its settings are traits, and
``step``, ``reset``, ``metrics``, ``history``, ``sweep`` and ``story`` bring its numbers back.
The tables are the core's own: ``FIELDS`` (the settings), ``PRESETS``, ``METRICS``, ``CHARTS``.
"""

from .tables import CHARTS, DEFAULTS, FIELDS, METRICS, PRESETS, SettingsError
from .widget import NoFrontEnd, Simulator

__all__ = ["CHARTS", "DEFAULTS", "FIELDS", "METRICS", "PRESETS", "NoFrontEnd", "SettingsError", "Simulator"]
