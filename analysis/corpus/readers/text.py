"""One-document text files: plain text in the seed format, and Markdown with YAML front matter.

Both formats share the decoding and the title rule (the first non-blank line), so they are one
family; each is registered under its own types. A file that cannot be read or decoded is an
exclusion with its reason, even when it was named directly.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable

import yaml

from analysis.corpus.readers.base import Source, decode, read_bytes, stem
from analysis.corpus.readers.columns import COLUMN_NAMES, scalar_text
from analysis.text import clean as textclean

_DATE_LINE = re.compile(r"[^\S\n]*date[^\S\n]+(\d\S*)[^\S\n]*(.*)")
_DATE_LIKE = re.compile(r"[^\S\n]*date(?::|[^\S\n])")  # what a user meant as a date line
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)


def read_plain(source: Source) -> list[dict]:
    """A ``.txt`` file, the seed format: one document.

    An optional first line `` date YYYY-MM-DD Title`` (leading spaces allowed) gives the date
    (``date_origin`` "header") and the title; a date line without a title takes the next
    non-blank line as the title. Otherwise the first non-blank line is the title. The text is
    the rest after the title line, without its leading blank lines and trailing whitespace.
    """
    return _read_text_file(source, lambda text, notes: (*_parse_plain(text, notes), {}))


def read_markdown(source: Source) -> list[dict]:
    """A ``.md``/``.markdown`` file: one document.

    Optional YAML front matter between ``---`` fences gives ``title``, ``date``, ``url``,
    ``source`` and ``language`` (or their aliases in :data:`COLUMN_NAMES`); front matter that is
    not valid YAML, not a mapping or not closed is a warning on the document. Without a
    front-matter title the first non-blank line (``#`` removed) is the title, as for ``.txt``.
    """
    return _read_text_file(source, _parse_markdown)


def _read_text_file(
    source: Source, parse: Callable[[str, list[str]], tuple[str, str, str, dict[str, str]]]
) -> list[dict]:
    display = source.display
    try:
        text, notes = decode(read_bytes(source.path))
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        source.exclude(display, None, f"unreadable: {reason}")
        return []
    except textclean.UndecodableError as error:
        source.exclude(display, None, str(error))
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    title, body, date_raw, meta = parse(text, notes)
    return [
        {"source": "", "url": ""}
        | meta
        | {
            "base_id": stem(source.path.name),
            "path": display,
            "row": 0,
            "title": title,
            "text": body,
            "date_raw": date_raw,
            "date_origin": "header" if date_raw else "",
            "notes": notes,
        }
    ]


def _first_line(text: str, position: int = 0) -> tuple[str, int]:
    """The first non-blank line at or after ``position``, and where the text after it starts."""
    length = len(text)
    while position < length:
        end = text.find("\n", position)
        end = length if end < 0 else end
        line = text[position:end]
        if line.strip():
            return line, min(end + 1, length)
        position = end + 1
    return "", length


def _rest(text: str, position: int) -> str:
    """The text from ``position`` on, without leading blank lines and trailing whitespace."""
    return text[_BLANK_LINES.match(text, position).end() :].rstrip()


def _parse_plain(text: str, notes: list[str]) -> tuple[str, str, str]:
    """A seed-format text -> (title, body, raw date or "").

    A first line that starts like a date line (`` date ...``, ``date: ...``) but is not one is
    kept as the title, with a note that the date line was not understood."""
    line, after = _first_line(text)
    header = _DATE_LINE.fullmatch(line)
    if header is None:
        if _DATE_LIKE.match(line):
            shown = line.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            notes.append(
                f"date line not understood: {shown!r} (expected ' date YYYY-MM-DD Title'), "
                "read as the title"
            )
        return line.strip(), _rest(text, after), ""
    title = header.group(2).strip()
    if not title:  # a date line without a title: the next non-blank line is the title
        title, after = _first_line(text, after)
    return title.strip(), _rest(text, after), header.group(1)


def _parse_markdown(text: str, notes: list[str]) -> tuple[str, str, str, dict[str, str]]:
    """A Markdown file -> (title, body, raw date or "", {"source", "url", "language"} from front
    matter)."""
    meta: dict[str, str] = {}
    body_start = 0
    first, after_first = _first_line(text)
    if text.startswith("---") and first.strip() == "---":
        closing = _CLOSING_FENCE.search(text, after_first)
        if closing is None:
            notes.append("front matter has no closing '---', so it was read as text")
        else:
            body_start = min(closing.end() + 1, len(text))
            loaded = _load_front_matter(text[after_first : closing.start()], notes)
            if isinstance(loaded, dict):
                meta = _front_matter_roles(loaded)
            elif loaded is not None:
                notes.append("front matter ignored: not a mapping of keys to values")
    title = meta.pop("title", "")
    date_raw = meta.pop("date", "")
    if title:
        body = _rest(text, body_start)
    else:
        line, after = _first_line(text, body_start)
        title, body = line.strip().lstrip("#").strip(), _rest(text, after)
    kept = ("source", "url", "language")
    return title, body, date_raw, {key: meta[key] for key in kept if key in meta}


_YAML_ERRORS = (yaml.YAMLError, ValueError, TypeError, RecursionError)


def _load_front_matter(source: str, notes: list[str]):
    """The front matter's YAML (None when it is not YAML, with a note), read by libyaml when
    installed (5x faster) and by PyYAML's own parser when libyaml refuses it (e.g. escaped
    UTF-16 surrogate halves, which PyYAML keeps for :func:`repair_surrogates`)."""
    loaders = [_PyFrontMatterLoader]
    if _CFrontMatterLoader is not None:
        loaders.insert(0, _CFrontMatterLoader)
    for number, loader_class in enumerate(loaders, 1):
        loader = loader_class(source)
        try:
            loaded = loader.get_single_data()
        except _YAML_ERRORS as error:
            if number < len(loaders):
                continue
            problem = (str(error).splitlines() or [type(error).__name__])[0]
            notes.append(f"front matter ignored: not valid YAML ({problem})")
            return None
        finally:
            loader.dispose()
        notes.extend(loader.notes)
        return loaded
    return None


class _FrontMatterRules:
    """YAML's safe loader, except that a value that looks like a date but is none
    (``updated: 2025-02-30``) is kept as text with a note naming its key, instead of aborting
    the load with "day is out of range for month"."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.notes: list[str] = []
        self._pairs: list = []

    def construct_lenient_timestamp(self, node):
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError as error:
            value = self.construct_scalar(node)
            key = self._key_of(node)
            self.notes.append(
                f"front matter {key!r}: invalid date {value!r} ({error}), kept as text"
            )
            return value

    def _key_of(self, node) -> str:
        for key, value in self._pairs:
            if value is node:
                return str(key.value)
        return "?"

    def construct_mapping(self, node, deep=False):
        self._pairs.extend(node.value)
        return super().construct_mapping(node, deep=deep)


class _PyFrontMatterLoader(_FrontMatterRules, yaml.SafeLoader):
    pass


_PyFrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _FrontMatterRules.construct_lenient_timestamp
)
_CFrontMatterLoader = None
if hasattr(yaml, "CSafeLoader"):

    class _CFrontMatterLoader(_FrontMatterRules, yaml.CSafeLoader):  # noqa: F811
        pass

    _CFrontMatterLoader.add_constructor(
        "tag:yaml.org,2002:timestamp", _FrontMatterRules.construct_lenient_timestamp
    )


def _front_matter_roles(loaded: dict) -> dict[str, str]:
    lowered = {str(key).lower(): value for key, value in loaded.items()}
    roles = {}
    for role in ("title", "date", "url", "source", "language"):
        for name in COLUMN_NAMES[role]:
            value = lowered.get(name)
            if value is not None and str(value).strip():
                roles[role] = scalar_text(value)
                break
    return roles
