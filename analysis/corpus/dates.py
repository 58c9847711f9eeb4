"""Dates of documents: text -> calendar days, and the checks that leave a bad date undated.

Dates are calendar days (datetime64[ns] at midnight): a timestamp keeps its local date and drops
its time and time zone (``2024-10-29 23:59:00-04:00`` is 2024-10-29). ISO dates are read
vectorised; other spellings ("July 11, 2025") go through pandas' parser, which reads
``07/11/2025`` month first. A year or a month alone is not a day. A malformed date, or one more
than a day after today, leaves the document undated with a warning naming the file and value.
Documents' own dates and the sidecar's go through the same two functions. ``date_source`` says
where a kept date came from: "header" (the date line of a ``.txt``, the front matter of a
``.md``), "field" (a table's date column), "metadata" (the sidecar) or "missing".
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_ISO_DAY = r"^(\d{4}-\d{1,2}-\d{1,2})(?:[T ]|$)"
_YEAR_ONLY = re.compile(r"\d{4}(-\d{1,2})?")
_FIRST_DAY, _LAST_DAY = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-04-01")


def parse_dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Text -> (datetime64[ns] calendar days, NaT when missing or bad; True where bad)."""
    values = values.fillna("").astype("str").str.strip().reset_index(drop=True)
    present = (values != "").to_numpy()
    iso = values.str.extract(_ISO_DAY, expand=False)
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    dates = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    inside = (parsed >= _FIRST_DAY) & (parsed < _LAST_DAY)
    dates[inside.to_numpy()] = parsed[inside].to_numpy().astype("datetime64[ns]")
    for position in np.flatnonzero(present & iso.isna().to_numpy()):
        dates[position] = _parse_other_date(values.iloc[position])
    return dates, present & np.isnat(dates)


def _parse_other_date(value: str) -> np.datetime64:
    if _YEAR_ONLY.fullmatch(value):  # a year or a month is not a day: do not invent January 1
        return np.datetime64("NaT")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return np.datetime64("NaT")
    if pd.isna(stamp) or not (_FIRST_DAY <= stamp.tz_localize(None) < _LAST_DAY):
        return np.datetime64("NaT")
    return np.datetime64(stamp.tz_localize(None).normalize().to_datetime64(), "ns")


def check_dates(
    dates: np.ndarray,
    bad: np.ndarray,
    raw_values: pd.Series,
    where: list[str],
    notes,
    label: str,
    outcome: str = "so undated",
) -> np.ndarray:
    """Warn about bad and future dates (which become NaT); returns the kept dates."""
    latest = np.datetime64(pd.Timestamp.now().normalize() + pd.Timedelta(days=1), "ns")
    future = ~np.isnat(dates) & (dates > latest)
    for position in np.flatnonzero(bad):
        value = raw_values.iloc[position]
        notes[position].append(
            f"{label} {value!r} in {where[position]} is not a valid date, {outcome}"
        )
    for position in np.flatnonzero(future):
        day = str(dates[position])[:10]
        notes[position].append(f"{label} {day} in {where[position]} is in the future, {outcome}")
    kept = dates.copy()
    kept[future] = np.datetime64("NaT")
    return kept
