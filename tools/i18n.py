"""Keep the translation catalog in step with the code.

    python tools/i18n.py update    # extract _() / N_() / ngettext() strings, merge into zh_CN.po
    python tools/i18n.py compile   # compile zh_CN.po into the zh_CN.mo the app loads

tests/unit/test_translations.py fails when a string has no translation or the .mo is
older than the .po, so a forgotten step shows up in CI, not in front of a user.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "resources" / "i18n" / "zh_CN.po"
MO = ROOT / "resources" / "i18n" / "zh_CN.mo"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every translatable string in the package."""
    catalog = Catalog(project="KAMDesk", domain="kamdesk")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT / "kamdesk"), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(
            message,
            None,
            [(f"kamdesk/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def load_po() -> Catalog:
    """The Chinese catalog as it is on disk."""
    with PO.open("rb") as fp:
        return read_po(fp, locale="zh_CN", domain="kamdesk")


def update() -> None:
    """Merge new strings into the .po (old translations kept, unused ones marked obsolete)."""
    template = extract()
    catalog = load_po() if PO.exists() else Catalog(locale="zh_CN", domain="kamdesk")
    created = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True)
    # Keep the header date: otherwise every update changes the .mo even when no string did.
    catalog.creation_date = created
    with PO.open("wb") as fp:
        write_po(fp, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True)


def mo_bytes() -> bytes:
    """What compiling the .po gives."""
    out = BytesIO()
    write_mo(out, load_po(), use_fuzzy=False)
    return out.getvalue()


def compile_mo() -> None:
    """Write the .mo the app loads."""
    MO.write_bytes(mo_bytes())


if __name__ == "__main__":
    {"update": update, "compile": compile_mo}[sys.argv[1]]()
