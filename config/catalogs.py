"""Compile the committed gettext catalogues (``locale/*/LC_MESSAGES/*.po``) to ``.mo``.

``manage.py compilemessages`` needs GNU gettext's msgfmt, which a fresh machine with only
Python may lack; polib does the same in pure Python. The ``.mo`` files are build output and are
not committed. Run by ``make run`` and ``make test``: ``python -m config.catalogs``.
"""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"compiled {path}")
