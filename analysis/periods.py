"""The time axis: frequencies, period starts, labels, ranges and the date window, in one place.

Periods are calendar periods labelled by their START: a day, a week starting on Monday, a
calendar month, quarter or year. Timelines, evidence, tone, reports, lessons and charts all ask
this module, so "the week of 7 July" or "2025 Q3" selects the same documents everywhere and a
quarterly chart spans quarters.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.errors import InputError

# User-facing frequency -> pandas *period* alias. pandas 3 renamed the month-end offset to "ME"
# (and "M" for offsets is gone), but Periods still use "M"; every period is labelled by its
# start, so "M", "MS" and "ME" all mean the calendar month here.
FREQ_ALIASES = {
    "D": "D",
    "W": "W-SUN",
    "W-MON": "W-SUN",  # weeks starting Monday == pandas' weeks ending Sunday
    "M": "M",
    "MS": "M",
    "ME": "M",
    "Q": "Q",
    "QS": "Q",
    "QE": "Q",
    "Y": "Y",
    "YS": "Y",
    "YE": "Y",
}
FREQUENCIES = ("D", "W", "M", "Q", "Y")
"""The canonical frequencies; every alias above means one of them."""

_CANONICAL = {"D": "D", "W-SUN": "W", "M": "M", "Q": "Q", "Y": "Y"}
FREQ_NAMES = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def parse_freq(freq: str) -> str:
    """The pandas period alias for a user frequency (D, W, M, Q, Y and pandas' aliases of them).

    Raises
    ------
    InputError
        For any other value, with the accepted ones listed.
    """
    key = str(freq).strip().upper()
    if key not in FREQ_ALIASES:
        accepted = ", ".join(FREQ_ALIASES)
        raise InputError(f"freq: unknown frequency {freq!r}; use one of {accepted}")
    return FREQ_ALIASES[key]


def canonical_freq(freq: str) -> str:
    """One of :data:`FREQUENCIES` for any accepted alias ("MS" -> "M", "W-MON" -> "W")."""
    return _CANONICAL[parse_freq(freq)]


def freq_name(freq: str | None) -> str:
    """ "day", "week", "month", "quarter" or "year"; "period" when ``freq`` is None or empty."""
    if not freq:
        return "period"
    return FREQ_NAMES[canonical_freq(freq)]


def as_datetimes(dates: pd.Series, name: str = "documents.date") -> pd.Series:
    """Dates as naive datetime64; time zones are dropped (local wall time), strings parsed."""
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates, format="mixed")
        except (ValueError, TypeError) as error:
            raise InputError(f"{name}: cannot read as dates ({error})") from None
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates


def period_start(dates: pd.Series, freq: str = "W") -> pd.Series:
    """The start of the period that contains each date (NaT stays NaT).

    Parameters
    ----------
    dates : datetime-like Series (naive or time-zone aware; aware dates use their wall time).
    freq : "D", "W" (weeks starting Monday), "M" (calendar month), "Q" or "Y".

    Returns
    -------
    Series of Timestamps at midnight on the first day of each period, same index as ``dates``.
    """
    alias = parse_freq(freq)
    return as_datetimes(dates).dt.to_period(alias).dt.start_time


def period_of(value: Any, freq: str = "W") -> pd.Timestamp:
    """The start of the period containing one date (a Timestamp or a string such as "2025-07")."""
    try:
        timestamp = pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise InputError(f"period: cannot read {value!r} as a date ({error})") from None
    if pd.isna(timestamp):
        return pd.NaT
    if timestamp.tzinfo is not None:
        timestamp = timestamp.tz_localize(None)
    return timestamp.to_period(parse_freq(freq)).start_time


def next_period_start(starts: Any, freq: str) -> pd.DatetimeIndex:
    """The start of the period after each of ``starts``: where each period ends on a chart."""
    alias = parse_freq(freq)
    index = pd.DatetimeIndex(starts)
    return pd.DatetimeIndex((index.to_period(alias) + 1).start_time)


def period_centres(starts: Any, freq: str) -> pd.DatetimeIndex:
    """The middle of each period: where a chart draws its point or bar."""
    index = pd.DatetimeIndex(starts)
    return index + (next_period_start(index, freq) - index) / 2


def period_range(first: Any, last: Any, freq: str) -> pd.DatetimeIndex:
    """Every period start from the period of ``first`` to that of ``last`` (empty if either is NaT
    or ``first`` comes after ``last``), named "period"."""
    alias = parse_freq(freq)
    if pd.isna(first) or pd.isna(last):
        return pd.DatetimeIndex([], name="period")
    first, last = period_of(first, freq), period_of(last, freq)
    if first > last:
        return pd.DatetimeIndex([], name="period")
    return pd.DatetimeIndex(pd.period_range(first, last, freq=alias).start_time, name="period")


def period_label(start: Any, freq: str) -> str:
    """A period as people write it: 2025-07-07 (day, week start), 2025-07, 2025Q3, 2025."""
    if pd.isna(start):
        return "undated"
    timestamp = pd.Timestamp(start)
    code = canonical_freq(freq)
    if code == "M":
        return timestamp.strftime("%Y-%m")
    if code == "Q":
        return f"{timestamp.year}Q{timestamp.quarter}"
    if code == "Y":
        return str(timestamp.year)
    return timestamp.strftime("%Y-%m-%d")


# --- the date window ----------------------------------------------------------------------------


def bound(value: Any, name: str) -> pd.Timestamp | None:
    """A window bound (``start`` or ``end``) as a naive Timestamp; None and "" mean no bound."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        timestamp = pd.Timestamp(value)
    except (ValueError, TypeError) as error:
        raise InputError(f"{name}: cannot read {value!r} as a date ({error})") from None
    if pd.isna(timestamp):
        return None
    if timestamp.tzinfo is not None:
        timestamp = timestamp.tz_localize(None)
    return timestamp


def in_window(dates: pd.Series, start: Any = None, end: Any = None) -> pd.Series:
    """True where a date lies inside ``[start, end]``; NaT is never inside.

    Both bounds are inclusive; an ``end`` given as a bare date means "up to the end of that
    day". This is the one date-window rule of the package.
    """
    first, last = bound(start, "start"), bound(end, "end")
    dates = as_datetimes(dates)
    inside = dates.notna()
    if first is not None:
        inside &= dates >= first
    if last is not None:
        stop = last + pd.Timedelta(days=1) if last == last.normalize() else last
        inside &= dates < stop
    return inside


def in_window_or_undated(dates: pd.Series, start: Any = None, end: Any = None) -> pd.Series:
    """:func:`in_window`, keeping undated rows: they cannot be placed, so no window drops them."""
    return in_window(dates, start, end) | as_datetimes(dates).isna()


# --- choosing a frequency from the span ---------------------------------------------------------

AUTO_FREQ_LIMITS = (
    (pd.Timedelta(days=92), "D"),
    (pd.Timedelta(days=731), "W"),
    (pd.Timedelta(days=3653), "M"),
    (pd.Timedelta(days=12784), "Q"),
)
"""``auto_freq``'s rule: the first frequency whose longest span the dates fit in, else "Y".

Up to about 3 months daily (at most 93 points), up to 2 years weekly (14-105 points), up to 10
years monthly (24-121 points), up to 35 years quarterly (40-141 points), yearly beyond. Each step
starts where the finer frequency would pass ~100 points, so a line chart has roughly 15 to 140
points: enough to show a shape, few enough that each point can be seen (and linked). A span
shorter than two weeks is still daily; a handful of points is then what there is."""

AUTO = ("", "AUTO")


def auto_freq(start: Any, end: Any) -> str:
    """The frequency for a chart from ``start`` to ``end`` (see :data:`AUTO_FREQ_LIMITS`).

    Parameters
    ----------
    start, end : dates (anything :func:`bound` reads); None or NaT gives "W", the default.

    Returns
    -------
    str, one of :data:`FREQUENCIES`.
    """
    first, last = bound(start, "start"), bound(end, "end")
    if first is None or last is None:
        return "W"
    span = abs(last - first)
    for longest, freq in AUTO_FREQ_LIMITS:
        if span <= longest:
            return freq
    return "Y"


def resolve_freq(
    freq: str | None, dates: pd.Series | None = None, start: Any = None, end: Any = None
) -> str:
    """``freq`` as given, or :func:`auto_freq` over the window when it is "", None or "auto".

    The window is ``start``/``end`` where given, else the first/last of ``dates`` (NaT ignored).
    """
    if freq is not None and str(freq).strip().upper() not in AUTO:
        return canonical_freq(str(freq))
    known = as_datetimes(dates).dropna() if dates is not None else pd.Series([], dtype="M8[ns]")
    first = bound(start, "start") or (known.min() if len(known) else None)
    last = bound(end, "end") or (known.max() if len(known) else None)
    return auto_freq(first, last)
