"""A deployment cannot silently serve English: `manage.py check` fails on an uncompiled catalogue."""

import os
import shutil

import polib
import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from config.catalogs import LOCALE_DIR, compile_catalogues


def _catalogue(locale_dir, *, compiled: bool) -> tuple:
    messages = locale_dir / "zh_Hans" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Reviewer", msgstr="审查人员"))
    po_path, mo_path = messages / "django.po", messages / "django.mo"
    po.save(str(po_path))
    if compiled:
        po.save_as_mofile(str(mo_path))
    return po_path, mo_path


def _catalogue_errors() -> list:
    return [e for e in checks.run_checks(tags=[checks.Tags.translation]) if e.id.startswith("core.")]


def test_a_po_without_its_mo_is_an_error(tmp_path):
    _catalogue(tmp_path, compiled=False)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        errors = _catalogue_errors()
    assert [e.id for e in errors] == ["core.E001"]
    assert errors[0].level == checks.ERROR
    assert "python -m config.catalogs" in errors[0].hint


def test_an_mo_older_than_its_po_is_an_error(tmp_path):
    po_path, mo_path = _catalogue(tmp_path, compiled=True)
    stat = po_path.stat()
    os.utime(mo_path, (stat.st_atime, stat.st_mtime - 60))
    with override_settings(LOCALE_PATHS=[tmp_path]):
        errors = _catalogue_errors()
    assert [e.id for e in errors] == ["core.E002"]
    assert "python -m config.catalogs" in errors[0].hint


def test_a_fresh_catalogue_passes(tmp_path):
    _catalogue(tmp_path, compiled=True)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        assert _catalogue_errors() == []


def test_compiling_clears_the_error(tmp_path):
    shutil.copytree(LOCALE_DIR, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        assert [e.id for e in _catalogue_errors()] == ["core.E001"]
        compile_catalogues(tmp_path / "locale")
        assert _catalogue_errors() == []


def test_manage_check_fails_while_a_catalogue_is_missing(tmp_path):
    _catalogue(tmp_path, compiled=False)
    with override_settings(LOCALE_PATHS=[tmp_path]), pytest.raises(SystemCheckError, match="core.E001"):
        call_command("check", "--tag", "translation")


def test_the_repository_catalogues_pass_once_compiled():
    compile_catalogues()  # what `make run` and `make test` do first; a no-op when they are fresh
    assert _catalogue_errors() == []
