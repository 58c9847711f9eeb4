"""Saved web pages: one document per ``.html``/``.htm`` file, the article without its page.

:func:`parse_page` turns the bytes of one page into its article (text, title, date, outlet, url,
language); the feed and web-archive readers use it too, so a page reads the same wherever it was
found. The body is trafilatura's, with precision-oriented settings (``favor_precision``, no
comments, no cross-page deduplication; the benchmark ``bench_web`` measures them against
trafilatura's defaults). The date is htmldate's, from markup only (meta tags, JSON-LD, ``<time>``
and date elements, the URL path), never a date guessed from running text; ``date_note`` says
which clue gave it. A page without article text, or bytes that are not a page, is an exclusion.
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from analysis.corpus.readers.base import Source, read_bytes, stem
from analysis.text import clean as textclean

ARTICLE_TYPES = frozenset(
    t.lower()
    for t in (
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
        "LiveBlogPosting", "Report", "WebPage", "ScholarlyArticle", "TechArticle",
    )
)  # fmt: skip
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_SHOWN = (  # an element of the body showing exactly $lead
    "boolean(//body//*[self::p or self::div or self::h2 or self::section or self::span]"
    "[normalize-space(.) = $lead])"
)
_LEAD_CHARS = 80  # a description shorter than this is a tagline, not a lead paragraph
_EARLIEST_YEAR = 1995  # htmldate's earliest date too
_RESCUE_BELOW = 250  # characters: shorter than trafilatura's MIN_EXTRACTED_SIZE, try its fallbacks
_SOURCE_BREAK = re.compile(r"\s*[\r\n]+\s*")
_OUTLET_SUFFIX = re.compile(r" \w+|\.[a-z]{2,6}(?:\.[a-z]{2})?")  # a section, a domain
_TITLE_SEPARATORS = (" | ", " -- ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00b7 ")
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
    "publishdate", "publish-date", "dc.date", "dc.date.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "article:modified_time", "og:updated_time",
    "datemodified", "last-modified",
)  # fmt: skip


class NotAnArticle(ValueError):
    """Bytes that give no document; the message is the exclusion's reason."""


@dataclass
class Page:
    """One page's article. ``date`` is ``YYYY-MM-DD`` or "", ``date_note`` the clue that gave
    it; ``notes`` are warnings (a charset that was wrong ...)."""

    title: str
    text: str
    date: str
    outlet: str
    url: str
    language: str
    date_note: str = ""
    notes: list[str] = field(default_factory=list)


def read_html(source: Source) -> list[dict]:
    """A ``.html``/``.htm`` file (gzipped too): one document, or an exclusion with its reason."""
    try:
        data = read_bytes(source.path)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        source.exclude(source.display, None, f"unreadable: {error}")
        return []
    try:
        page = parse_page(data)
    except NotAnArticle as error:
        source.exclude(source.display, None, str(error))
        return []
    return [page_record(page, base_id=stem(source.path.name), path=source.display, row=0)]


def page_record(page: Page, *, base_id: str, path: str, row: int) -> dict:
    """A raw record (:data:`~analysis.corpus.readers.base.RAW_COLUMNS`) of a page."""
    return {
        "base_id": base_id,
        "path": path,
        "row": row,
        "title": page.title,
        "text": page.text,
        "date_raw": page.date,
        "date_origin": "html" if page.date else "",
        "source": page.outlet,
        "url": page.url,
        "notes": page.notes,
        "date_note": page.date_note,
        "language": page.language,
    }


def parse_page(
    data: bytes, *, url: str = "", charset: str | None = None, fallback_date: str = ""
) -> Page:
    """The article of one page's bytes.

    ``charset`` is the HTTP header's (wins over the page's own ``<meta charset>``); ``url`` is
    where the page was fetched, used when it names no canonical url; ``fallback_date``
    (``YYYY-MM-DD``, e.g. a web archive's capture day) is used, with a note, when the page has
    no date. Raises :class:`NotAnArticle` when there is nothing to read.
    """
    from trafilatura import bare_extraction

    text, notes = decode_page(data, charset)
    tree = _parse_tree(text)
    meta = _meta_values(tree)
    articles = _json_ld_articles(tree)
    page_url = _page_url(tree, meta, url)
    outlet = _outlet(meta, articles, page_url or url)
    date, clue = _page_date(tree, meta, articles, page_url)
    date_note = f"date from {clue}" if date else ""
    if not date and fallback_date:
        date, date_note = fallback_date, "no date in the page: the capture date was used"
    _drop_unshown(tree)
    extracted = bare_extraction(tree, url=page_url or None, options=_extractor())
    found = getattr(extracted, "text", None) or ""
    if len(found) < _RESCUE_BELOW:  # a short find: the full extraction, fallbacks included
        # trafilatura works on a copy of the tree it is given: the same tree serves again
        full = bare_extraction(tree, url=page_url or None, options=_extractor(False))
        found = getattr(full, "text", None) or found
    title = _title(tree, meta, articles, outlet)
    body = _paragraphs(found, title)
    lead = _lead(tree, meta, body)
    body = f"{lead}\n\n{body}" if lead and body else body
    if not body:
        raise NotAnArticle("no article text")
    return Page(
        title=title,
        text=body,
        date=date,
        outlet=outlet,
        url=page_url,
        language=_language(tree, meta, articles),
        date_note=date_note,
        notes=notes,
    )


def _drop_unshown(tree) -> None:
    """Take out, once the markup's clues are read, what trafilatura's cleaning deletes from
    each of the three copies it makes of the tree: scripts (the JSON-LD ones stay: its
    fallbacks read their articleBody), styles, noscript, SVG drawings, links and the head's
    meta tags. Its text is the same; the copies and its XPath searches are smaller (an eighth
    of its time on the real pages of ``bench_web``)."""
    dropped = [
        element
        for element in tree.iter("script", "style", "noscript", "svg", "link", "meta")
        if not (element.tag == "script" and _is_json_ld(element))
        and (element.tag != "meta" or element.getparent() is not None
             and element.getparent().tag == "head")
    ]  # fmt: skip
    for element in dropped:
        if element.getparent() is not None:
            element.drop_tree()  # its tail stays in the page


def _is_json_ld(script) -> bool:
    return (script.get("type") or "").strip().lower() == "application/ld+json"


def _lead(tree, meta: dict[str, str], body: str) -> str:
    """The page's standfirst when the extraction left it out: the description meta tag's text
    when an element of the page shows it whole (a lead set apart from the article's body, as
    lsm.lv and Wired do), and the body does not hold it. A description cut short ("...") or
    too short to be a paragraph is never one."""
    description = meta.get("og:description") or meta.get("description") or ""
    lead = " ".join(description.split())
    if len(lead) < _LEAD_CHARS or lead.endswith(("...", "\u2026")):
        return ""
    if lead in " ".join(body.split()):
        return ""
    # Compared in lxml's C (not text_content() per element), with XPath's idea of spaces.
    spaced = re.sub(r"[ \t\r\n]+", " ", description).strip()
    return lead if tree.xpath(_SHOWN, lead=spaced) else ""


def decode_page(data: bytes, charset: str | None = None) -> tuple[str, list[str]]:
    """Page bytes -> text and notes: the declared charset (HTTP header, else ``<meta>``) when it
    decodes them, else UTF-8 or the detected encoding (with a note)."""
    notes: list[str] = []
    if b"\x00" in data[:4096] and not data.startswith(_BOMS):
        raise NotAnArticle("binary content, not a web page")
    declared = charset or _meta_charset(data)
    if declared and not data.startswith(_BOMS):
        encoding = _known_encoding(declared)
        if encoding is None:
            notes.append(f"unknown charset {declared!r}: decoded by detection")
        else:
            try:
                return data.decode(encoding), notes
            except UnicodeDecodeError:
                notes.append(f"not valid {declared} as declared: decoded by detection")
    try:
        text, note = textclean.decode_bytes(data)
    except textclean.UndecodableError as error:
        raise NotAnArticle(str(error)) from None
    return text, notes + ([note] if note else [])


def _meta_charset(data: bytes) -> str:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii") if found else ""


def _known_encoding(name: str) -> str | None:
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        return None
    # Pages labelled Latin-1 are Windows-1252 in every browser (the WHATWG encoding standard).
    return "cp1252" if encoding in ("latin-1", "iso8859-1", "ascii") else encoding


def _parse_tree(text: str):
    """The page's lxml tree, parsed once for every step (trafilatura, htmldate and ours).

    trafilatura's ``load_html`` is what this does, at a third of the cost: the characters
    libxml2 refuses are deleted from the UTF-8 bytes (``bytes.translate``, where its regular
    expression over the whole text took longer than parsing), the repairs it makes at the start
    of a page are made on the start only, and the elements get their class in C
    (:func:`_parser`) rather than from a Python call per element. Whatever this cannot parse
    goes to ``load_html`` itself.
    """
    from lxml import etree, html
    from trafilatura.utils import load_html, repair_faulty_html

    if "<" not in text[:4096]:
        raise NotAnArticle("not HTML: no markup at the start of the page")
    head = text[:4096]
    repaired = repair_faulty_html(head, head[:50].lower())  # a doctype or <html/> to mend
    whole = text if repaired == head else repaired + text[4096:]
    for character in _NOT_CHARACTERS:  # at once in a text with no character beyond U+00FF
        if character in whole:
            whole = whole.replace(character, "")
    data = whole.encode("utf-8", "surrogatepass").translate(None, _NOT_IN_XML)
    tree = None
    try:
        tree = html.fromstring(data, parser=_parser())
    except (ValueError, etree.LxmlError):
        pass
    if tree is None or len(tree) < (2 if "html" not in text[:50].lower() else 1):
        try:
            tree = load_html(text)  # its own ways through odd pages, and its refusals
        except ValueError as error:  # lxml refuses some control characters
            raise NotAnArticle(f"HTML that cannot be parsed ({error})") from None
    if tree is None:
        raise NotAnArticle("HTML that cannot be parsed")
    _join_source_lines(tree)
    return tree


_NOT_IN_XML = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))  # as trafilatura
_NOT_CHARACTERS = ("\ufffe", "\uffff")
_NOT_SHOWN = frozenset({"pre", "textarea", "script", "style", "noscript"})


@lru_cache(maxsize=1)
def _parser():
    """trafilatura's HTML parser, with lxml.html's element classes looked up in C: every
    element an ``HtmlElement`` (its form classes, which nothing here uses, are not kept)."""
    from lxml import etree, html

    parser = html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=html.HtmlElement,
            comment=html.HtmlComment,
            pi=html.HtmlProcessingInstruction,
            entity=html.HtmlEntity,
        )
    )
    return parser


def _join_source_lines(tree) -> None:
    """Line breaks in the page's source text become spaces, as a browser renders them.

    trafilatura keeps them, so a paragraph written over several source lines (a ``<div>`` or
    ``<span>`` of text wrapped by the page's editor, no ``<p>``) came out one paragraph per
    line; ``<br>`` and block elements still break lines, and ``<pre>`` keeps its own, as do
    the elements never shown (a loop over the elements: an XPath asking each text for its
    ancestors took ten times as long).
    """
    from lxml import etree

    kept = {inner for outer in tree.iter(*_NOT_SHOWN) for inner in outer.iter()}
    for element in tree.iter(etree.Element):
        text, tail = element.text, element.tail
        # Most are the indentation between tags: one space, without a regular expression.
        if text and "\n" in text and element not in kept:
            element.text = " " if text.isspace() else _SOURCE_BREAK.sub(" ", text)
        if tail and "\n" in tail and element.getparent() not in kept:
            element.tail = " " if tail.isspace() else _SOURCE_BREAK.sub(" ", tail)


@lru_cache(maxsize=2)
def _extractor(fast: bool = True):
    """trafilatura's options, built once: precision first, no comments, no timeout signal;
    ``fast`` without its fallback extractors (readability, jusText), which never won on the
    benchmark's real pages and took 40% of the time."""
    from trafilatura.settings import Extractor, use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return Extractor(
        config=config,
        output_format="python",
        precision=True,
        comments=False,
        tables=True,
        dedup=False,
        fast=fast,
    )


def _paragraphs(text: str, title: str = "") -> str:
    """trafilatura's one block per line -> paragraphs separated by a blank line, without a
    first line that repeats the title (it would count the title's mentions twice)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and title and " ".join(lines[0].split()).casefold() == title.casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def _meta_values(tree) -> dict[str, str]:
    """``<meta>`` name/property/itemprop (lowercased) -> the first non-empty content."""
    values: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        content = (element.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (element.get(attribute) or "").strip().lower()
            if key and key not in values:
                values[key] = content
    return values


def _json_ld_articles(tree) -> list[dict]:
    """The JSON-LD objects that describe an article (``@graph`` looked through)."""
    found: list[dict] = []
    for script in tree.xpath('.//script[@type="application/ld+json"]'):
        try:
            loaded = json.loads(script.text or "")
        except (json.JSONDecodeError, RecursionError):
            continue
        stack = [loaded]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                kinds = item.get("@type", "")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(str(kind).lower() in ARTICLE_TYPES for kind in kinds):
                    found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    # An article type before a generic WebPage.
    return sorted(found, key=lambda item: "webpage" in str(item.get("@type", "")).lower())


def _ld_text(articles: list[dict], key: str) -> str:
    for article in articles:
        value = article.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, dict):
            value = value.get("name") or value.get("@value")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _page_url(tree, meta: dict[str, str], url: str) -> str:
    for link in tree.iterfind(".//link"):
        href = (link.get("href") or "").strip()
        if href and "canonical" in (link.get("rel") or "").lower().split():
            return urljoin(url, href) if url else href
    og = meta.get("og:url", "")
    if og:
        return urljoin(url, og) if url else og
    return url


def _outlet(meta: dict[str, str], articles: list[dict], url: str) -> str:
    outlet = meta.get("og:site_name") or _ld_text(articles, "publisher")
    if outlet:
        return outlet
    host = urlsplit(url).hostname or "" if url else ""
    return host.removeprefix("www.")


def _title(tree, meta: dict[str, str], articles: list[dict], outlet: str) -> str:
    title = meta.get("og:title") or meta.get("twitter:title") or _ld_text(articles, "headline")
    if not title:
        headings = [" ".join(h.text_content().split()) for h in tree.iterfind(".//h1")]
        headings = [h for h in headings if h]
        title = headings[0] if len(headings) == 1 else ""
    if not title:
        element = tree.find(".//title")
        title = " ".join((element.text_content() if element is not None else "").split())
    return _without_outlet(" ".join(title.split()), outlet)


def _without_outlet(title: str, outlet: str) -> str:
    """``"Headline | The Outlet"`` -> ``"Headline"`` when the part cut off is the outlet, the
    outlet and one word (``"| CNN Politics"``, a section) or its domain (``"- CNN.com"``)."""
    if not outlet:
        return title
    for separator in _TITLE_SEPARATORS:
        head, cut, tail = title.rpartition(separator)
        if cut and head.strip() and _names_outlet(tail.strip().casefold(), outlet.casefold()):
            return head.strip()
    return title


def _names_outlet(tail: str, outlet: str) -> bool:
    if tail == outlet:
        return True
    rest = tail.removeprefix(outlet)
    return rest != tail and bool(_OUTLET_SUFFIX.fullmatch(rest))


def _language(tree, meta: dict[str, str], articles: list[dict]) -> str:
    root = tree.getroottree().getroot()
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    language = language or meta.get("content-language", "") or meta.get("language", "")
    language = language or meta.get("og:locale", "").replace("_", "-")
    return (language or _ld_text(articles, "inLanguage")).strip()


def _page_date(tree, meta: dict[str, str], articles: list[dict], url: str) -> tuple[str, str]:
    """The publication day (markup only) and the clue that gave it: an article's JSON-LD
    datePublished when it is a plain ISO 8601 time (htmldate misses the basic form
    ``20180619T055000+0900`` and then takes another story's date), else htmldate's."""
    from htmldate import find_date

    published = _ld_day(articles)
    if published:
        return published, "JSON-LD datePublished"
    date = find_date(
        tree,
        extensive_search=False,
        original_date=True,
        url=url or None,
        deferred_url_extractor=True,  # a full timestamp in the markup before a URL's day
    )
    if not date:
        return "", ""
    return date, _date_clue(date, tree, meta, articles, url)


def _ld_day(articles: list[dict]) -> str:
    """The day (in the time's own zone) of the first article type's JSON-LD datePublished."""
    for article in articles:
        kinds = article.get("@type", "")
        if "webpage" in str(kinds).lower() and "article" not in str(kinds).lower():
            continue
        value = article.get("datePublished")
        if not isinstance(value, str):
            continue
        try:
            day = datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            continue  # left to htmldate, which reads many more spellings
        if _EARLIEST_YEAR <= day.year <= date.today().year:
            return day.isoformat()
    return ""


def _date_clue(date: str, tree, meta: dict[str, str], articles: list[dict], url: str) -> str:
    """Which of the page's clues holds ``date``, in the order htmldate examines them."""
    spellings = (date, date.replace("-", "/"), date.replace("-", ""))

    def holds(value: str) -> bool:
        return any(spelling in value for spelling in spellings)

    for key in _DATE_META:
        if holds(meta.get(key, "")):
            return f"the meta tag {key!r}"
    for key, value in meta.items():
        if "date" in key or "time" in key:
            if holds(value):
                return f"the meta tag {key!r}"
    for key in ("datePublished", "dateCreated", "uploadDate", "dateModified"):
        if holds(_ld_text(articles, key)):
            return f"JSON-LD {key}"
    if url and holds(urlsplit(url).path):
        return "the URL path"
    for element in tree.iterfind(".//time"):
        if holds(element.get("datetime") or "") or holds(element.text_content()):
            return "a <time> element"
    return "a date in the page's markup"


def fragment_text(markup: str) -> str:
    """A piece of HTML (a feed item's content) -> its text, the way a page's body is read;
    a fragment too short for trafilatura to keep is converted as it stands."""
    from lxml import html as lxml_html
    from trafilatura import bare_extraction

    if "<" not in markup:
        return _paragraphs(markup)
    try:
        tree = _parse_tree(f"<html><body><article>{markup}</article></body></html>")
    except NotAnArticle:
        return ""
    extracted = bare_extraction(tree, options=_extractor())
    text = _paragraphs(getattr(extracted, "text", None) or "")
    if text:
        return text
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (ValueError, TypeError):  # lxml's ParserError is a ValueError
        return ""
    for element in root.iter("script", "style", "noscript"):
        element.drop_tree()
    for element in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote"):
        element.tail = "\n" + (element.tail or "")
    return _paragraphs(root.text_content())
