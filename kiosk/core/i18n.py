"""The kiosk's own words in the hall's languages, dates and times in their format, and config
texts that carry several languages.

The words are GNU gettext catalogues (``kiosk/locale/<dir>/LC_MESSAGES/watchparty-kiosk.po``,
English is the source language); Babel compiles a catalogue in memory the first time a
language is used and the standard library's ``gettext`` looks the words up. Dates, times and
city names come from Babel's CLDR data. Nothing here is global: a ``Language`` is passed to
whatever composes text, so two languages can be shown side by side (``Languages``).
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DOMAIN = "watchparty-kiosk"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
SOURCE = "en"  # the msgids are English: English needs no catalogue
BILINGUAL_MODES = ("alternate", "stacked")


@dataclass(frozen=True)
class LanguageInfo:
    code: str  # as the config and --lang write it (BCP 47)
    directory: str  # the catalogue's folder under kiosk/locale (a POSIX locale name)
    locale: str  # Babel's locale for dates, times and city names
    name: str  # in the language itself
    latin: bool = False  # Belarusian Łacinka: Babel's Belarusian, transliterated


# The languages the kiosk speaks. Adding one: a catalogue (README, "Languages") and a line.
KNOWN: Mapping[str, LanguageInfo] = {
    info.code: info
    for info in (
        LanguageInfo("be", "be", "be", "Беларуская"),
        LanguageInfo("be-Latn", "be@latin", "be", "Biełaruskaja (łacinka)", latin=True),
        LanguageInfo("ru", "ru", "ru", "Русский"),
        LanguageInfo("uk", "uk", "uk", "Українська"),
        LanguageInfo("en", "en", "en_GB", "English"),
        LanguageInfo("pl", "pl", "pl", "Polski"),
        LanguageInfo("lt", "lt", "lt", "Lietuvių"),
        LanguageInfo("de", "de", "de", "Deutsch"),
    )
}
# Other spellings people write for the same language.
_ALIASES = {"be@latin": "be-Latn", "be_latn": "be-Latn", "be-latin": "be-Latn",
            "en-gb": "en", "en_gb": "en", "ua": "uk"}


def canonical(code: str) -> str | None:
    """The known language ``code`` means (``be@latin`` → ``be-Latn``), or None."""
    text = code.strip()
    for known in KNOWN:
        if text.lower() == known.lower():
            return known
    return _ALIASES.get(text.lower())


def parse_codes(text: str) -> tuple[str, ...]:
    """``be,de`` → ``("be", "de")``; raises ValueError naming an unknown code."""
    codes = []
    for part in text.split(","):
        if not part.strip():
            continue
        code = canonical(part)
        if code is None:
            raise ValueError(f"unknown language {part.strip()!r}; known: {', '.join(KNOWN)}")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValueError(f"no language given; known: {', '.join(KNOWN)}")
    return tuple(codes)


def N_(message: str) -> str:
    """Marks a text for translation where it is defined; ``Language.gettext`` translates it
    where it is shown."""
    return message


class Translated(str):
    """A config text that carries several languages: a ``str`` holding the first one given
    (so everything that reads config texts keeps working), plus each language's text."""

    __slots__ = ("texts",)
    texts: Mapping[str, str]

    def __new__(cls, first: str, texts: Mapping[str, str] | None = None) -> Translated:
        value = super().__new__(cls, first)
        value.texts = dict(texts or {})
        return value

    def __getnewargs__(self) -> tuple[str, Mapping[str, str]]:  # type: ignore[override]
        return (str(self), dict(self.texts))

    def __eq__(self, other: object) -> bool:
        # Against a plain str only the first text counts; two Translated compare whole (so a
        # config edit that changes one language's title is a change).
        if isinstance(other, Translated):
            return str.__eq__(self, other) and dict(self.texts) == dict(other.texts)
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"Translated({str(self)!r}, {dict(self.texts)!r})"


class Words(str):
    """The kiosk's own words composed now and said later, in whichever language shows them:
    a ``str`` holding the English (so logs and everything that reads it as text keep it), plus
    the message and its fields, so ``Language.say`` can put it in the hall's language.

    A field is said in that language too when it is ``Words``, a ``Translated`` config text, or
    anything with an ``in_language(lang)`` method (``At``, a time of day); else ``str()`` of it.
    Messages are found for the catalogues by ``scripts/update-translations.sh``
    (``Words("…")`` is one of its keywords).
    """

    __slots__ = ("fields", "message")
    message: str
    fields: Mapping[str, object]

    def __new__(cls, message: str, /, **fields: object) -> Words:
        value = super().__new__(cls, message.format(**{k: str(v) for k, v in fields.items()}))
        value.message = message
        value.fields = fields
        return value

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:
        return (self.message,), dict(self.fields)

    def __repr__(self) -> str:
        return f"Words({self.message!r}, {dict(self.fields)!r})"

    def in_language(self, lang: Language) -> str:
        return lang.gettext(self.message).format(
            **{k: lang.say(v) for k, v in self.fields.items()})


@dataclass(frozen=True)
class At:
    """A moment said as the venue's clock shows it: ``18:42``, or with the day when it is not
    ``today`` (``Sat 6 Feb 18:42``); ``str()`` is the English."""

    instant: datetime
    zone: tzinfo
    today: datetime | None = None

    def in_language(self, lang: Language) -> str:
        local = self.instant.astimezone(self.zone)
        if self.today is None or local.date() == self.today.astimezone(self.zone).date():
            return lang.time(self.instant, self.zone)
        return f"{lang.day(self.instant, self.zone)} {lang.time(self.instant, self.zone)}"

    def __str__(self) -> str:
        return self.in_language(language(SOURCE))


def all_texts(text: str) -> tuple[str, ...]:
    """Every language's version of a config text (just the text if it is a plain one)."""
    if isinstance(text, Translated):
        return tuple(dict.fromkeys((str(text), *text.texts.values())))
    return (text,) if text else ()


class Language:
    """One language: its words (gettext), its dates and times (Babel), its pick of a config
    text. Get one with ``language(code)``."""

    def __init__(self, info: LanguageInfo, translations: gettext.NullTranslations) -> None:
        self.info = info
        self.code = info.code
        self._t = translations

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    # ------------------------------------------------------------------ the kiosk's words

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._t.pgettext(context, message)

    def say(self, text: object) -> str:
        """``text`` in this language: ``Words`` translated, a config text's own version, any
        other text as it is."""
        if isinstance(text, Translated):
            return self.pick(text)
        saying = getattr(text, "in_language", None)
        if saying is not None:
            return str(saying(self))
        return str(text)

    # ------------------------------------------------------------------ config texts

    def pick(self, text: str) -> str:
        """The version of a config text for this language: its own, else (for Łacinka) the
        Cyrillic Belarusian one transliterated, else the first one given."""
        if not isinstance(text, Translated):
            return str(text)
        own = text.texts.get(self.code)
        if own is not None:
            return own
        if self.info.latin and "be" in text.texts:
            return to_lacinka(text.texts["be"])
        return str(text)

    # ------------------------------------------------------------------ dates and times

    def time(self, instant: datetime, zone: tzinfo, *, seconds: bool = False) -> str:
        """The wall-clock time of ``instant`` in ``zone``, as the language writes it."""
        local = instant.astimezone(zone)
        return self._latin(format_time(local, "medium" if seconds else "short",
                                       tzinfo=zone, locale=self.info.locale))

    def day(self, instant: datetime, zone: tzinfo) -> str:
        """The weekday, day and month of ``instant`` in ``zone`` (``Sat 6 Feb``)."""
        local = instant.astimezone(zone)
        # TRANSLATORS: not words but a CLDR date skeleton for the weekday, day and month (MMM:
        # short month, MMMM: its full name, E: short weekday, d: day); choose what reads best.
        skeleton = self.pgettext("date skeleton: weekday, day, month", "MMMEd")
        return self._latin(format_skeleton(skeleton, local, tzinfo=zone,
                                           locale=self.info.locale))

    def number(self, value: float, decimals: int = 0) -> str:
        """``value`` with ``decimals`` places, as the language writes numbers (2,50 in
        German, 2.50 in English)."""
        return format_decimal(round(value, decimals),
                              format=f"0.{'0' * decimals}" if decimals else "0",
                              locale=self.info.locale)

    def city(self, zone: tzinfo) -> str:
        """The city a time zone is named after, in this language (``Moscow``, ``Масква``)."""
        name = str(getattr(zone, "key", zone))
        fallback = name.rsplit("/", 1)[-1].replace("_", " ")
        if "/" not in name:
            return fallback
        try:
            city = get_timezone_location(zone, locale=self.info.locale, return_city=True)
        except (LookupError, ValueError):
            return fallback
        return self._latin(city or fallback)

    def _latin(self, text: str) -> str:
        return to_lacinka(text) if self.info.latin else text


@cache
def language(code: str) -> Language:
    """The language ``code`` names (any spelling ``canonical`` knows); KeyError if unknown."""
    known = canonical(code)
    if known is None:
        raise KeyError(code)
    info = KNOWN[known]
    chosen = Language(info, _translations(info.directory))
    # Babel reads its locale data on first use (20-30 ms): do it now, at start-up, not on the
    # GUI thread in the middle of the event (the bilingual bar's first switch stalled on it).
    sample = datetime(2021, 2, 6, 15, 0, tzinfo=UTC)
    chosen.day(sample, UTC)
    chosen.time(sample, UTC)
    chosen.city(ZoneInfo("Europe/Moscow"))
    return chosen


def catalogue_path(directory: str) -> Path:
    return LOCALE_DIR / directory / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(directory: str) -> gettext.NullTranslations:
    """The catalogue compiled in memory (no .mo to fall out of date); English, and a
    language whose catalogue is missing, show the English msgids."""
    path = catalogue_path(directory)
    if directory == SOURCE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalogue = read_po(po, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Languages:
    """The languages the hall sees: the kiosk's words in ``primary``; the overlay also in
    ``second`` when there is one, ``stacked`` (both at once) or ``alternate`` (taking turns
    every ``ALTERNATE_SECONDS``)."""

    primary: Language
    second: Language | None = None
    mode: str = "alternate"

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.primary.code,) + ((self.second.code,) if self.second else ())


ALTERNATE_SECONDS = 8


def choose(configured: Sequence[str], cli: Sequence[str] | None = None,
           mode: str = "alternate") -> Languages:
    """The languages to show: ``--lang`` if given, else the config's, else English. The
    first is the kiosk's language, the second (if any) the overlay's other one."""
    wanted: Iterable[str] = cli if cli else configured
    codes = [c for c in (canonical(w) for w in wanted) if c is not None]
    codes = list(dict.fromkeys(codes)) or [SOURCE]
    second = language(codes[1]) if len(codes) > 1 else None
    return Languages(language(codes[0]), second,
                     mode if mode in BILINGUAL_MODES else "alternate")


ENGLISH = Languages(language(SOURCE))


# --------------------------------------------------------------------------- Łacinka

_PLAIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "ж": "ž", "з": "z", "й": "j",
    "к": "k", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ў": "ŭ", "ф": "f", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "ы": "y", "э": "e",
}
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
_SOFTENED = {"з": "ź", "с": "ś", "н": "ń", "ц": "ć", "л": "l"}
_CONSONANTS = set("бвгґджзйклмнпрстфхцчш")
_APOSTROPHES = "'’ʼ"
_WORD = re.compile(r"[А-Яа-яЁёІіЎўҐґ'’ʼ]+")


def to_lacinka(text: str) -> str:
    """Belarusian Cyrillic in Łacinka (``Цяпер`` → ``Ciapier``, ``Масква`` → ``Maskva``);
    other characters are left as they are."""
    return _WORD.sub(lambda m: _word_to_lacinka(m.group()), text)


def _word_to_lacinka(word: str) -> str:
    lower = word.lower()
    out: list[str] = []
    for i, ch in enumerate(lower):
        before = lower[i - 1] if i else ""
        after = lower[i + 1] if i + 1 < len(lower) else ""
        if ch in _APOSTROPHES:
            piece = ""
        elif ch == "л":
            piece = "l" if after and (after in _IOTATED or after in "іь") else "ł"
        elif ch in _SOFTENED and after == "ь":
            piece = _SOFTENED[ch]
        elif ch == "ь":
            piece = ""
        elif ch in _IOTATED:
            vowel = _IOTATED[ch]
            if before == "л":
                piece = vowel
            elif before in _CONSONANTS:
                piece = "i" + vowel
            else:  # at the start, after a vowel, ў, the soft sign or an apostrophe
                piece = "j" + vowel
        elif ch == "і":
            piece = "ji" if before and before in _APOSTROPHES else "i"
        else:
            piece = _PLAIN.get(ch, ch)
        if word[i] != ch and piece:  # an uppercase letter
            upper_word = len(word) > 1 and word.isupper()
            piece = piece.upper() if upper_word else piece[0].upper() + piece[1:]
        out.append(piece)
    return "".join(out)
