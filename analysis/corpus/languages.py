"""A document's language as an ISO 639-1 code, from what its source declares.

Readers pass on the language a source states (``<html lang>``, ``og:locale``, a feed's
``<language>``, an export's ``language`` field, front matter); :func:`language_code` turns any
of those spellings (``en-GB``, ``en_US``, ``EN``, ``eng``, GDELT's ``English``) into the two-letter
code, or "" when the value names no language it knows. A language is never guessed from the
text: a wrong guess would pass silently, an empty value says plainly that none was given.
"""

from __future__ import annotations

import re

# ISO 639-2 (bibliographic and terminology) codes of the languages news is read in most.
_THREE_LETTER = {
    "ara": "ar", "ben": "bn", "bul": "bg", "cat": "ca", "ces": "cs", "cze": "cs", "chi": "zh",
    "zho": "zh", "dan": "da", "deu": "de", "ger": "de", "ell": "el", "gre": "el", "eng": "en",
    "est": "et", "fas": "fa", "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "heb": "he",
    "hin": "hi", "hrv": "hr", "hun": "hu", "ind": "id", "ita": "it", "jpn": "ja", "kat": "ka",
    "geo": "ka", "kaz": "kk", "kor": "ko", "lav": "lv", "lit": "lt", "nld": "nl", "dut": "nl",
    "nor": "no", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru", "slk": "sk",
    "slo": "sk", "slv": "sl", "spa": "es", "srp": "sr", "swe": "sv", "tha": "th", "tur": "tr",
    "ukr": "uk", "urd": "ur", "vie": "vi", "bel": "be",
}  # fmt: skip
# English names, as GDELT's ``language`` field spells them (and common alternatives).
_NAMES = {
    "afrikaans": "af", "albanian": "sq", "arabic": "ar", "armenian": "hy", "azerbaijani": "az",
    "belarusian": "be", "bengali": "bn", "bosnian": "bs", "bulgarian": "bg", "catalan": "ca",
    "chinese": "zh", "croatian": "hr", "czech": "cs", "danish": "da", "dutch": "nl",
    "english": "en", "estonian": "et", "finnish": "fi", "french": "fr", "galician": "gl",
    "georgian": "ka", "german": "de", "greek": "el", "gujarati": "gu", "hebrew": "he",
    "hindi": "hi", "hungarian": "hu", "icelandic": "is", "indonesian": "id", "italian": "it",
    "japanese": "ja", "kannada": "kn", "kazakh": "kk", "korean": "ko", "latvian": "lv",
    "lithuanian": "lt", "macedonian": "mk", "malay": "ms", "malayalam": "ml", "marathi": "mr",
    "mongolian": "mn", "nepali": "ne", "norwegian": "no", "persian": "fa", "farsi": "fa",
    "polish": "pl", "portuguese": "pt", "punjabi": "pa", "romanian": "ro", "russian": "ru",
    "serbian": "sr", "sinhala": "si", "sinhalese": "si", "slovak": "sk", "slovenian": "sl",
    "somali": "so", "spanish": "es", "swahili": "sw", "swedish": "sv", "tagalog": "tl",
    "tamil": "ta", "telugu": "te", "thai": "th", "tibetan": "bo", "turkish": "tr",
    "ukrainian": "uk", "urdu": "ur", "uzbek": "uz", "vietnamese": "vi", "welsh": "cy",
}  # fmt: skip
# Codes ISO 639-1 withdrew, still written by old pages.
_RENAMED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv"}
_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


def language_code(value: object) -> str:
    """``"en-GB"``, ``"en_US"``, ``"ENG"``, ``"English"`` -> ``"en"``; "" when ``value`` is
    empty or names no language known here (``"x-default"``, ``"mul"``, ``"und"``, a number)."""
    if not isinstance(value, str):
        return ""
    value = value.strip().split(",")[0].strip()  # "en, fr" (Content-Language lists)
    name = _NAMES.get(value.casefold())
    if name:
        return name
    tag = _TAG.fullmatch(value)
    if tag is None:
        return ""
    primary = tag.group(1).lower()
    if len(primary) == 2:
        return _RENAMED.get(primary, primary)
    return _THREE_LETTER.get(primary, "")


def language_codes(values) -> list[str]:
    """:func:`language_code` of each value (a column of a raw frame, None where absent)."""
    cache: dict[object, str] = {}
    out = []
    for value in values:
        key = value if isinstance(value, str) else None
        if key not in cache:
            cache[key] = language_code(key)
        out.append(cache[key])
    return out
