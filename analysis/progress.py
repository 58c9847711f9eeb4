"""Progress bars for long work: for a person at a terminal or in JupyterLab, never in CI logs or
in rendered reports.

A bar appears only when its work has run for a second, so small corpora never show one.
``NEWS_MENTIONS_PROGRESS=0`` (or ``1``) switches bars off (or on) whatever the surroundings;
:func:`analysis.report.render_reports` sets it to 0 for the notebooks it runs.
"""

from __future__ import annotations

import os
import sys

ENV = "NEWS_MENTIONS_PROGRESS"
DELAY_SECONDS = 1.0  # a bar appears only once its work has run this long
_YES, _NO = ("1", "true", "yes"), ("0", "false", "no")


def enabled() -> bool:
    """Whether progress bars are shown here (see the module docstring)."""
    setting = os.environ.get(ENV, "").lower()
    if setting in _YES + _NO:
        return setting in _YES
    if os.environ.get("CI", "").lower() in _YES:
        return False
    return sys.stderr.isatty() or _in_jupyter()


def _in_jupyter() -> bool:
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def bar(total: float, desc: str, unit: str = "B"):
    """A tqdm bar (a widget in JupyterLab) that stays hidden unless :func:`enabled`, and until
    its work has taken a second. With ``unit="B"`` the counts are shown as kB, MB, GB."""
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit == "B",
        unit_divisor=1000,
        delay=DELAY_SECONDS,
        disable=not enabled(),
        leave=False,
    )
