"""Dates of documents: text -> calendar days, and the checks that leave a bad date undated.

Dates are calendar days (datetime64[ns] at midnight): a timestamp keeps its local date and drops
its time and time zone (``2024-10-29 23:59:00-04:00`` is 2024-10-29). ISO dates are read
vectorised; other spellings ("July 11, 2025") go through pandas' parser, which reads
``07/11/2025`` month first. A year or a month alone is not a day. A malformed date, or one more
than a day after today, leaves the document undated with a warning naming the file and value.
Documents' own dates and the sidecar's go through the same two functions. ``date_source`` says
where a kept date came from: "header" (the date line of a ``.txt``, the front matter of a
``.md``), "html" (a web page's markup), "field" (a table's date column), "metadata" (the
sidecar) or "missing"; :func:`date_notes` says what a reader of the date should know (the
``date_note`` column): a day and month that could be read either way, a two-digit year, a time
given in another zone than UTC (the day there is kept, never converted to UTC) or in UTC.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_ISO_DAY = r"^(\d{4}-\d{1,2}-\d{1,2})(?:[T ]|$)"
_YEAR_ONLY = re.compile(r"\d{4}(-\d{1,2})?")
_FIRST_DAY, _LAST_DAY = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-04-01")
_NUMERIC_DAY = re.compile(r"\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})\b")
_TWO_DIGIT_YEAR = re.compile(
    r"\s*(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2}"
    r"|[A-Za-z]{3,9}\.? \d{1,2},? '?\d{2}|\d{1,2} [A-Za-z]{3,9}\.? '?\d{2})(?:$|[^\d])"
)
_OFFSET = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)\s*$"
_ZONE_GIVEN = re.compile(_OFFSET + r"|^\d{8}T\d{4,6}Z$")  # GDELT: 20250301T101500Z
_OTHER_ZONE = re.compile(r"\s(?:GMT|UTC|[+-]\d{4})\s*$|\s[A-Z]{2,5}$")


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


def date_notes(values: pd.Series, dates: np.ndarray) -> list[str]:
    """What to know about each kept date (``date_note``; "" when nothing): ``values`` as written,
    ``dates`` as parsed (NaT rows get "").

    - ``03/04/2025`` (both numbers 12 or less): read month first, as 2025-03-04;
    - a two-digit year (``03/04/25``, ``Mar 4, 25``): read as 20xx or 19xx as pandas does;
    - a time with a zone offset: the day in that zone is kept, and the UTC day named when it
      differs; a time in UTC (``Z``, ``+00:00``): the day in UTC, the outlet's own zone unknown.
    """
    values = values.fillna("").astype("str").str.strip().reset_index(drop=True)
    notes = [""] * len(values)
    kept = ~np.isnat(dates)
    iso = _iso_parts(values)
    timed = iso[0].notna().to_numpy()
    zoned = timed & iso[3].ne("").to_numpy() & kept
    if zoned.any():
        for position, note in zip(np.flatnonzero(zoned), _iso_zone_notes(iso[zoned]), strict=True):
            notes[position] = note
    plain = values.str.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}").to_numpy()
    for position in np.flatnonzero(kept & ~timed & ~plain):  # other spellings: one by one
        found = _notes_of(values.iloc[position], dates[position])
        if found:
            notes[position] = "; ".join(found)
    return notes


_ISO_TIME = (
    r"^(?P<day>\d{4}-\d{2}-\d{2})[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::\d{2}(?:[.,]\d+)?)?\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def _iso_parts(values: pd.Series) -> pd.DataFrame:
    """Day, hour, minute and zone ("" when none) of ISO timestamps; NaN rows elsewhere
    (Arrow's regex engine: pandas' str.extract runs Python per row)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.extract_regex(pa.array(values.to_numpy(dtype=object), pa.string()), _ISO_TIME)
    parts = pd.DataFrame({i: found.field(name).to_pandas() for i, name in enumerate(_ISO_FIELDS)})
    parts[0] = parts[0].where(found.is_valid().to_numpy(zero_copy_only=False))
    return parts


_ISO_FIELDS = ("day", "hour", "minute", "zone")


def _iso_zone_notes(parts: pd.DataFrame) -> list[str]:
    """:func:`_zone_note` for ISO timestamps, vectorised (exports hold one per row)."""
    day, hour, minute, zone = (parts[i].astype("str") for i in range(4))
    utc = zone.isin(["Z", "+00", "-00", "+00:00", "-00:00", "+0000", "-0000"])
    digits = zone.str.replace(":", "", regex=False).str.pad(5, "right", "0")
    sign = np.where(digits.str[0] == "-", -1, 1)
    offset = sign * (
        pd.to_numeric(digits.str[1:3], errors="coerce").fillna(0).to_numpy() * 60
        + pd.to_numeric(digits.str[3:5], errors="coerce").fillna(0).to_numpy()
    )
    local = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce") + pd.to_timedelta(
        hour.astype(int) * 60 + minute.astype(int), unit="min"
    )
    utc_day = (local - pd.to_timedelta(offset, unit="min")).dt.strftime("%Y-%m-%d").tolist()
    shown = [f"UTC{z[0]}{z[1:3]}:{z[3:5]}" for z in digits.tolist()]
    out = []
    for d, h, m, z, is_utc, u in zip(
        day.tolist(), hour.tolist(), minute.tolist(), shown, utc.tolist(), utc_day, strict=True
    ):
        time = f"{int(h):02d}:{m}"
        if is_utc:
            out.append(f"time {time} in UTC: the day in UTC ({d}); the outlet's zone not given")
        elif u != d:
            out.append(f"time {time} at {z}: the day there is kept ({d}; {u} in UTC)")
        else:
            out.append(f"time {time} at {z}: the day there is kept ({d})")
    return out


def _notes_of(value: str, day: np.datetime64) -> list[str]:
    shown = str(day)[:10]
    found = []
    numeric = _NUMERIC_DAY.match(value)
    if numeric:
        first, second = int(numeric.group(1)), int(numeric.group(3))
        if first != second and first <= 12 and second <= 12:
            other = f"{shown[:4]}-{second:02d}-{first:02d}" if len(shown) == 10 else "?"
            found.append(
                f"ambiguous {numeric.group(0).strip()!r}: read month first as {shown} "
                f"(day first would be {other})"
            )
    if _TWO_DIGIT_YEAR.match(value):
        found.append(f"two-digit year in {value!r}: read as {shown[:4]}")
    zone = _zone_note(value, shown)
    if zone:
        found.append(zone)
    return found


def _zone_note(value: str, shown: str) -> str:
    if not (_ZONE_GIVEN.search(value) or _OTHER_ZONE.search(value)):
        return ""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return ""
    if pd.isna(stamp) or stamp.tzinfo is None:
        return ""
    offset = stamp.utcoffset()
    if not offset:
        return f"time {stamp:%H:%M} in UTC: the day in UTC ({shown}); the outlet's zone not given"
    zone = stamp.strftime("%z")
    zone = f"UTC{zone[:3]}:{zone[3:]}"
    utc_day = stamp.tz_convert("UTC").strftime("%Y-%m-%d")
    if utc_day != shown:
        return f"time {stamp:%H:%M} at {zone}: the day there is kept ({shown}; {utc_day} in UTC)"
    return f"time {stamp:%H:%M} at {zone}: the day there is kept ({shown})"
