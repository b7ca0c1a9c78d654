"""System checks: a deployment must not serve English because its catalogues were never compiled.

The gettext catalogues are committed as ``.po`` files; their compiled ``.mo`` files are build
output (``python -m config.catalogs``, run by ``make run`` and ``make test``). A ``pip install``
without that step leaves them missing, and Django then silently falls back to the English msgids:
pages and the official letters come out in English. ``manage.py check`` (and ``check --deploy``,
``runserver``, ``migrate``) therefore fails while a catalogue has no ``.mo`` or one older than its
``.po``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register

COMPILE_COMMAND = "python -m config.catalogs"
HINT = f"Compile the catalogues: run `{COMPILE_COMMAND}` (or `make messages`) in the project folder."


def _project_locale_dirs() -> Iterator[Path]:
    """LOCALE_PATHS, and the ``locale/`` folder of every app that lives in the project itself."""
    base = Path(settings.BASE_DIR).resolve()
    seen: set[Path] = set()
    candidates: list[Path] = [Path(p) for p in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        app_path = Path(config.path).resolve()
        # the project's own apps only: installed packages ship their compiled catalogues
        if app_path.is_relative_to(base) and ".venv" not in app_path.relative_to(base).parts:
            candidates.append(app_path / "locale")
    for path in candidates:
        resolved = path.resolve()
        if resolved not in seen and resolved.is_dir():
            seen.add(resolved)
            yield resolved


def catalogue_problems(locale_dirs: Iterable[Path]) -> list[Error]:
    """An error for every ``<lang>/LC_MESSAGES/*.po`` whose ``.mo`` is missing or older."""
    errors = []
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists():
                errors.append(
                    Error(
                        f"The translation catalogue {po_path} is not compiled ({mo_path.name} is "
                        "missing): pages and letters would be served untranslated.",
                        hint=HINT,
                        id="core.E001",
                    )
                )
            elif mo_path.stat().st_mtime < po_path.stat().st_mtime:
                errors.append(
                    Error(
                        f"The compiled catalogue {mo_path} is older than {po_path.name}: "
                        "newer translations would be missing.",
                        hint=HINT,
                        id="core.E002",
                    )
                )
    return errors


@register(Tags.translation)
def check_catalogues_compiled(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return catalogue_problems(_project_locale_dirs())
