"""Errors raised for bad input. Each message is one line naming the file or row and the field."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input that the user can fix; the message names the file/row and the field."""
