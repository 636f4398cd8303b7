"""Translation of user-visible text, shared by the core, the reports and the UI.

Strings are marked with ``_("English text")`` where they are shown and with
``N_("English text")`` where they are only declared (enum labels, setting titles) and
translated later, when shown, so a language switch takes effect without a restart.
Catalogs are gettext ``.mo`` files compiled from ``resources/i18n/<lang>.po``.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from kamdesk.paths import resource


class Language(NamedTuple):
    """A language the app is translated into."""

    code: str
    native_name: str
    #: BCP 47 / CLDR locale used for dates, numbers and money.
    locale: str


ENGLISH = Language("en", "English", "en_US")
CHINESE = Language("zh_CN", "简体中文", "zh_Hans_CN")
LANGUAGES: tuple[Language, ...] = (ENGLISH, CHINESE)


class _Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


class _English:
    """The source strings are English: no catalog to load (and no gettext import)."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


_translation: _Catalog = _English()
_language: Language = ENGLISH


def language_for(code: str) -> Language:
    """The language for a code such as ``zh_CN``, ``zh-Hans`` or ``en_GB``; English if unknown."""
    normalized = code.replace("-", "_").lower()
    if normalized.startswith("zh"):
        return CHINESE
    return ENGLISH


class Translator:
    """Text in one given language, whatever the UI's is.

    A proposal is written in its own language (Chinese from an English UI). Its
    methods mirror ``_`` and ``ngettext``; call ``.gettext`` on a string marked ``N_()``
    where it is declared, so the extractor finds it.
    """

    def __init__(self, language: Language) -> None:
        self.language = language
        self._catalog = _catalog(language)

    def gettext(self, message: str) -> str:
        """``message`` in this translator's language."""
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of a counted message for ``count``, in this translator's language."""
        return self._catalog.ngettext(singular, plural, count)


def _catalog(language: Language) -> _Catalog:
    if language is ENGLISH:
        return _English()
    import gettext

    mo = resource("i18n", f"{language.code}.mo")
    with mo.open("rb") as fp:
        return gettext.GNUTranslations(fp)


def translator(code: str) -> Translator:
    """A translator into ``code`` (``zh_CN``, ``en``), leaving the UI's language alone."""
    return Translator(language_for(code))


def set_language(code: str) -> Language:
    """Switch every later ``_()`` call to ``code``'s catalog."""
    global _translation, _language
    language = language_for(code)
    _translation = _catalog(language)
    _language = language
    return language


def current_language() -> Language:
    """The language ``_()`` translates into now."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message whose form depends on ``count``."""
    return _translation.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it yet."""
    return message
