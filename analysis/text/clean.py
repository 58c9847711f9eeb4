"""Text hygiene for loaded articles: decode bytes, even out harmless variation, flag damage.

Changed (never the meaning of a word): bytes decoded (UTF-8, UTF-16/32 with a BOM, else as
detected, with a warning); CRLF/CR -> LF; Unicode space separators -> a plain space (so
"Patriot\u00a0missile" matches); NFC. Only flagged, never rewritten: mojibake, since a wrong
guess would silently change what the article says. Bulk work runs with numpy on the UTF-8
bytes of Arrow string arrays; Python touches only the few texts with unusual characters.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ftfy import badness

# Every Unicode space separator except the plain space (category Zs).
SPACE_SEPARATORS = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_SPACES_PY = re.compile(f"[{SPACE_SEPARATORS}]")

# Characters that can make a text non-NFC or be mojibake. Everything in U+0000-U+02FF and in
# U+2002-U+206F (general punctuation: curly quotes, dashes, ellipsis) is NFC-stable on its own
# and never composes with what precedes it (checked against unicodedata), so a text made only
# of those needs no normalisation; ASCII and general punctuation alone are never mojibake.
_SUSPECT_RUN = re.compile(r"[^\x00-\x7f\u2000-\u206f]+")

# A lone Greek or Cyrillic letter between two Latin words, as in "Ukraine β launching": the
# first byte of an em dash (UTF-8 E2 80 94) read as ISO-8859-7 is "β", and once the two bytes
# after it are lost nothing else is left. ftfy's badness heuristics look for the sequences that
# UTF-8 read as Latin-1/cp1252 leaves ("â€™") and do not see this one-character damage; in
# English prose a single Greek or Cyrillic letter between Latin words is almost never intended.
_LONE_LETTER = re.compile(r"[A-Za-z] [\u0370-\u03ff\u0400-\u04ff] [A-Za-z]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UndecodableError(ValueError):
    """Bytes that are not text (NUL bytes, no detectable encoding); the message is the reason."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file contents to str.

    Returns
    -------
    (text, warning) : the decoded text (BOM removed) and "" or a warning naming the encoding
        that was detected when the bytes were not UTF-8.

    Raises
    ------
    UndecodableError
        When the bytes contain NUL (a binary file) or no text encoding fits them.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), ""
            except UnicodeDecodeError as error:
                raise UndecodableError(f"invalid {encoding} text ({error.reason})") from None
    if b"\x00" in data:
        raise UndecodableError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported late: only non-UTF-8 files need it

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise UndecodableError("not text: no encoding fits its bytes")
    # On short Western texts cp1250, cp1252 and cp1257 often tie exactly (same chaos and
    # coherence) and the first listed wins; cp1252 is by far the commonest legacy encoding of
    # English and Western European news, so it takes a tie ("naïve" rather than "naďve").
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos == best.chaos
            and match.coherence == best.coherence
        ):
            best = match
            break
    return str(best), f"not UTF-8: decoded as {best.encoding}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def repair_surrogates(text: str) -> str:
    """Join UTF-16 surrogate pairs into the characters they encode; a lone surrogate becomes
    U+FFFD (which :func:`mojibake_warning` flags).

    JSON and YAML escapes spell characters beyond U+FFFF as two 16-bit halves ("\\ud83d\\ude00");
    PyYAML, and ``json`` for an unpaired half, leave them as surrogates, which cannot be UTF-8.
    """
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_string(value: str) -> str:
    """The same hygiene as :func:`clean_array` for one Python string (titles, sidecar values)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _SPACES_PY.sub(" ", value)
    return unicodedata.normalize("NFC", value)


@dataclass
class CleanTexts:
    """Cleaned texts as an Arrow array and as the numpy views of its UTF-8 bytes.

    ``data[offsets[i]:offsets[i + 1]]`` are the bytes of ``values[i]``; ``suspect`` holds the
    byte positions of the characters outside ASCII and general punctuation, the only places
    where mojibake can be (pass the whole object to :func:`mojibake_warnings`).
    """

    values: pa.LargeStringArray
    offsets: np.ndarray  # int64, len(values) + 1, from 0
    data: np.ndarray  # uint8
    suspect: np.ndarray  # int64 byte positions of the first byte of unusual characters

    @property
    def suspect_texts(self) -> np.ndarray:
        """Positions of the texts that hold an unusual character."""
        return np.unique(np.searchsorted(self.offsets, self.suspect, side="right") - 1)


def utf8_parts(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Zero-copy numpy views (offsets from 0, bytes) of a large_string array without nulls."""
    n = len(values)
    buffers = values.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[values.offset : values.offset + n + 1]
    if n == 0 or offsets[-1] == offsets[0] or buffers[2] is None:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return offsets - offsets[0], data


def pool_array(size: int, dtype) -> tuple[pa.Buffer, np.ndarray]:
    """A new buffer of ``size`` items in Arrow's memory pool and a writable numpy view of it."""
    dtype = np.dtype(dtype)
    buffer = pa.allocate_buffer(size * dtype.itemsize)
    return buffer, np.frombuffer(buffer, dtype=dtype)


def from_utf8_parts(offsets: np.ndarray, data: np.ndarray) -> pa.LargeStringArray:
    return pa.LargeStringArray.from_buffers(
        len(offsets) - 1, pa.py_buffer(np.ascontiguousarray(offsets)), pa.py_buffer(data)
    )


def sequences(data: np.ndarray, encoded: Iterable[bytes]) -> np.ndarray:
    """Start positions of any of the given multi-byte UTF-8 sequences (all the same length).

    UTF-8 is self-synchronising, so a byte match is always a whole-character match.
    """
    encoded = list(encoded)
    width = len(encoded[0])
    head = data[: max(len(data) - width + 1, 0)]
    leads = [np.flatnonzero(head == lead) for lead in sorted({e[0] for e in encoded})]
    leads = np.sort(np.concatenate(leads)) if len(leads) > 1 else leads[0]
    if not leads.size:
        return leads
    code = np.zeros(leads.size, dtype=np.int64)
    for k in range(width):
        code = (code << 8) | data[leads + k]
    wanted = [int.from_bytes(e, "big") for e in encoded]
    return leads[np.isin(code, wanted)]


_SPACES_UTF8 = [c.encode() for c in SPACE_SEPARATORS]


def clean_array(values: pa.Array) -> CleanTexts:
    """Line ends, space separators and NFC on a pyarrow string array (nulls become "").

    Line ends and spaces are rewritten on the UTF-8 bytes with numpy (a few passes over memory)
    rather than with Arrow's replace kernels, which copy every value and run ~5x slower.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.large_string())
    if values.null_count:
        values = pc.fill_null(values, "")
    offsets, data = utf8_parts(values)
    replace_at: list[np.ndarray] = []  # first byte of a sequence -> the replacement byte
    replace_with: list[int] = []
    delete: list[np.ndarray] = []
    returns = np.flatnonzero(data == 13)
    if returns.size:
        followed_by_newline = data[np.minimum(returns + 1, data.size - 1)] == 10
        # A text ending in CR followed by a text starting with LF is not one CRLF.
        same_text = ~np.isin(returns + 1, offsets)
        crlf = returns[(returns + 1 < data.size) & followed_by_newline & same_text]
        delete.append(crlf)
        replace_at.append(np.setdiff1d(returns, crlf, assume_unique=True))
        replace_with.append(10)
    for width in (2, 3):
        found = sequences(data, [e for e in _SPACES_UTF8 if len(e) == width])
        if found.size:
            replace_at.append(found)
            replace_with.append(32)
            delete.extend(found + k for k in range(1, width))
    if any(p.size for p in replace_at) or any(p.size for p in delete):
        # The edited bytes are written into Arrow's memory pool, not numpy's heap: these texts
        # live as long as the documents frame, and long-lived blocks scattered among the
        # temporaries of a bulk load would keep the freed heap from going back to the system.
        deleted = np.sort(np.concatenate(delete)) if delete else np.zeros(0, np.int64)
        data_buffer, edited = pool_array(data.size - deleted.size, np.uint8)
        if deleted.size:
            keep = np.ones(data.size, dtype=bool)
            keep[deleted] = False
            edited[:] = data[keep]  # np.compress would build an int64 index per byte
        else:
            edited[:] = data
        for positions, byte in zip(replace_at, replace_with, strict=True):
            edited[positions - np.searchsorted(deleted, positions)] = byte  # never deleted
        offsets_buffer, shifted = pool_array(offsets.size, np.int64)
        np.subtract(offsets, np.searchsorted(deleted, offsets), out=shifted)
        values = pa.LargeStringArray.from_buffers(len(values), offsets_buffer, data_buffer)
        offsets, data = shifted, edited
    suspect = _unusual_characters(data)
    # Only characters from U+0300 on (lead byte 0xCC or more) can make a text non-NFC.
    may_compose = suspect[data[suspect] >= 0xCC]
    if may_compose.size:
        texts = np.unique(np.searchsorted(offsets, may_compose, side="right") - 1)
        values, changed = _nfc(values, texts)
        if changed:
            offsets, data = utf8_parts(values)
            suspect = _unusual_characters(data)
    return CleanTexts(values, offsets, data, suspect)


def _unusual_characters(data: np.ndarray) -> np.ndarray:
    """Byte positions of characters outside U+0000-U+007F and U+2000-U+206F (_SUSPECT_RUN)."""
    leads = np.flatnonzero(data >= 0xC2)  # first bytes of multi-byte characters
    if not leads.size:
        return leads
    last = data.size - 1
    second = data[np.minimum(leads + 1, last)]
    third = data[np.minimum(leads + 2, last)]
    punctuation = (data[leads] == 0xE2) & ((second == 0x80) | ((second == 0x81) & (third <= 0xAF)))
    return leads[~punctuation]


def _nfc(values: pa.LargeStringArray, positions: np.ndarray) -> tuple[pa.Array, bool]:
    originals = values.take(pa.array(positions)).to_pylist()
    changed = [i for i, text in enumerate(originals) if not unicodedata.is_normalized("NFC", text)]
    if not changed:
        return values, False
    mask = np.zeros(len(values), dtype=bool)
    mask[positions[changed]] = True
    normal = [unicodedata.normalize("NFC", originals[i]) for i in changed]
    replaced = pc.replace_with_mask(values, pa.array(mask), pa.array(normal, pa.large_string()))
    return replaced, True


@functools.lru_cache(maxsize=65536)
def _is_bad(snippet: str) -> bool:
    return badness.is_bad(snippet)


def _context(text: str, start: int, end: int, width: int = 20) -> str:
    return " ".join(text[max(0, start - width) : end + width].split())


def mojibake_warning(text: str) -> str:
    """A warning quoting the first damaged-looking spot of ``text``, or "".

    Both checks look only at the stretches of characters outside ASCII and general punctuation
    (with a little context), not at whole texts: ftfy costs ~2 ms per article when run on all of
    it, while the stretches are short and repeat (they are cached).

    - ftfy's badness heuristics: UTF-8 read as Latin-1/cp1252 ("â€™", "Ã©" ...);
    - a lone Greek or Cyrillic letter between Latin words (see ``_LONE_LETTER``);
    - U+FFFD, the replacement character a decoder leaves where it lost characters.
    """
    for match in _SUSPECT_RUN.finditer(text):
        start, end = match.span()
        if "\ufffd" in match.group():
            where = _context(text, start, end)
            return f"replacement character U+FFFD (characters lost upstream) near {where!r}"
        if end - start == 1 and _LONE_LETTER.fullmatch(text, start - 2, end + 2):
            where = _context(text, start, end)
            return f"possible mojibake (stray {match.group()!r}, likely a lost dash) near {where!r}"
        if _is_bad(text[max(0, start - 3) : end + 3]):
            return f"possible mojibake (damaged characters) near {_context(text, start, end)!r}"
    return ""


def mojibake_warnings(clean: CleanTexts, context: int = 24) -> dict[int, str]:
    """Mojibake warnings by text position, looking only around the unusual characters.

    Each unusual character is read with ``context`` bytes on either side (windows that overlap
    are merged, and never cross into another text), so Python decodes and checks a few short
    snippets rather than whole articles.
    """
    if not clean.suspect.size:
        return {}
    positions = clean.suspect
    text = np.searchsorted(clean.offsets, positions, side="right") - 1
    low = np.maximum(positions - context, clean.offsets[text])
    high = np.minimum(positions + context + 4, clean.offsets[text + 1])
    # Positions are sorted, so within a text ``high`` never decreases: a window starts a new
    # snippet when it belongs to another text or begins after the previous one ends.
    starts = np.flatnonzero(np.r_[True, (text[1:] != text[:-1]) | (low[1:] > high[:-1])])
    ends = np.r_[starts[1:], positions.size] - 1
    found: dict[int, str] = {}
    data = clean.data
    for number, lo, hi in zip(
        text[starts].tolist(), low[starts].tolist(), high[ends].tolist(), strict=True
    ):
        if number in found:
            continue
        snippet = data[lo:hi].tobytes().decode("utf-8", errors="ignore")
        warning = mojibake_warning(snippet)
        if warning:
            found[number] = warning
    return found
