"""Switching the app's language while it runs.

Our own strings go through ``kamdesk.i18n`` (gettext); Qt's own (standard buttons,
context menus of text fields) through Qt's bundled ``qtbase`` catalog. Installing or
removing that QTranslator makes Qt send a LanguageChange event to every widget, which
re-sets its texts in ``retranslate()``; values typed into open forms stay as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from kamdesk.i18n import set_language

_qt_translator: QTranslator | None = None


def apply_language(code: str) -> None:
    """Make ``code`` the language of every string, ours and Qt's."""
    global _qt_translator
    language = set_language(code)
    app = QCoreApplication.instance()
    if app is None:
        return
    QLocale.setDefault(QLocale(language.locale.replace("_Hans", "")))
    if _qt_translator is not None:
        QCoreApplication.removeTranslator(_qt_translator)
        _qt_translator = None
    if language.code != "en":
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{language.code}", folder):
            QCoreApplication.installTranslator(translator)
            _qt_translator = translator
            return
    # No Qt catalog changed hands, so Qt sent nothing: tell the widgets ourselves.
    QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
