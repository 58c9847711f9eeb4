"""News feeds: RSS 0.9x, 1.0 and 2.0 and Atom, one document per item (feedparser).

An item's text is its full content (``content:encoded``, Atom ``content``) or else its summary,
HTML read as a page's body is (:func:`analysis.corpus.readers.html.fragment_text`); its date
the published or else the updated date, as the calendar day in the feed's own time zone; its
url the link; the outlet the feed's title; its language the item's own (``xml:lang``,
``dc:language``) or else the feed's (``<language>``, ``xml:lang``). ``.xml`` files are read when
they are feeds; any other XML is an exclusion saying so. An item without text is an exclusion,
row counting items from 1.
"""

from __future__ import annotations

import gzip
import re
import time
from datetime import datetime
from email.utils import parsedate_to_datetime

from analysis.corpus.readers.base import Source, read_bytes, stem
from analysis.corpus.readers.html import fragment_text
from analysis.errors import InputError

_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def read_feed(source: Source) -> list[dict]:
    """A ``.rss``/``.atom``/``.xml`` feed (gzipped too): one document per item."""
    import feedparser

    display = source.display
    try:
        data = read_bytes(source.path)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise InputError(f"{display}: unreadable ({error})") from None
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version"):
        raise InputError(f"{display}: {_not_a_feed(data, parsed)}")
    notes = []
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), _harmless()):
        notes.append(f"the feed is not well-formed XML ({parsed.bozo_exception}), read leniently")
    outlet = _plain(parsed.feed.get("title", ""))
    feed_language = parsed.feed.get("language", "")
    base = stem(source.path.name)
    records = []
    for row, entry in enumerate(parsed.entries, start=1):
        text = _item_text(entry)
        if not text:
            source.exclude(display, row, "no article text")
            continue
        date, date_note = _item_date(entry)
        records.append(
            {
                "base_id": f"{base}:{row}",
                "path": display,
                "row": row,
                "title": _plain(entry.get("title", "")),
                "text": text,
                "date_raw": date,
                "date_origin": "field" if date else "",
                "source": outlet,
                "url": entry.get("link", ""),
                "notes": list(notes),
                "date_note": date_note,
                "language": _item_language(entry) or feed_language,
            }
        )
    if not parsed.entries:
        source.exclude(display, None, "a feed without items")
    return records


def _item_language(entry) -> str:
    """The language an item declares (``xml:lang`` on its content, summary or title, or
    ``dc:language``), "" when it declares none and the feed's applies."""
    details = [*entry.get("content", []), entry.get("summary_detail"), entry.get("title_detail")]
    for detail in details:
        if detail and detail.get("language"):
            return detail["language"]
    return entry.get("language", "") or entry.get("dc_language", "")


def _not_a_feed(data: bytes, parsed) -> str:
    root = _ROOT.search(data.lstrip(b"\xef\xbb\xbf")[:4096].split(b"?>")[-1])
    kind = f"root element <{root.group(1).decode('ascii', 'replace')}>" if root else "no markup"
    problem = f"; {parsed.bozo_exception}" if parsed.get("bozo") else ""
    return f"not an RSS or Atom feed ({kind}{problem})"


def _harmless() -> tuple[type, ...]:
    """feedparser's notices that change nothing for the items (a declared-charset mismatch it
    resolved itself)."""
    import feedparser

    return (feedparser.CharacterEncodingOverride,)


def _item_text(entry) -> str:
    contents = [c for c in entry.get("content", []) if (c.get("value") or "").strip()]
    if contents:
        chosen = max(contents, key=lambda c: len(c["value"]))
        return _as_text(chosen["value"], chosen.get("type", ""))
    detail = entry.get("summary_detail") or {}
    return _as_text(entry.get("summary", ""), detail.get("type", "text/html"))


def _as_text(value: str, kind: str) -> str:
    if "html" in kind or "<" in value:
        return fragment_text(value)
    return "\n\n".join(p.strip() for p in value.split("\n\n") if p.strip())


def _plain(value: str) -> str:
    return " ".join(fragment_text(value).split()) if "<" in value else " ".join(value.split())


def _item_date(entry) -> tuple[str, str]:
    """The item's published (else updated) date as ``YYYY-MM-DD`` in its own time zone, and
    its ``date_note``."""
    for key in ("published", "updated", "created"):
        raw = (entry.get(key) or "").strip()
        if not raw:
            continue
        day = _local_day(raw)
        if day:
            return day, "" if key == "published" else f"the item's {key} date (none published)"
        parsed = entry.get(f"{key}_parsed")
        if parsed:  # feedparser read a spelling we do not: its UTC day
            return time.strftime("%Y-%m-%d", parsed), f"date {raw!r} read as a UTC day"
        return raw, ""  # left to the common date rules, which warn when it is no date
    return "", ""


def _local_day(raw: str) -> str:
    try:
        return parsedate_to_datetime(raw).date().isoformat()  # RFC 822 (RSS)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()  # Atom
    except ValueError:
        return ""
