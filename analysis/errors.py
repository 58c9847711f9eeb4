"""Bad input: the error raised for it, and warnings attributed to the user's own call.

Each message is one line naming the file or row and the field.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

_PACKAGE = str(Path(__file__).resolve().parent)


class InputError(ValueError):
    """Bad input that the user can fix; the message names the file/row and the field."""


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue a warning attributed to the first caller outside this package.

    However many layers (api, engine, domain) lie between the user's call and the problem,
    the warning names the user's line, not one of ours.
    """
    level, frame = 2, sys._getframe(1)  # stacklevel 2 is the frame that called warn()
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
