"""The project's own guarantees: settings from the environment, migrations, deploy checks, its documentation."""

import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def _run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7$Lq9!vR2@pK4#mZ8^wT1&nB6*cY3(hJ5)dF0-gS_eA+uV=iO[oP]lM{kN}jQ|zX",
    "DJANGO_ALLOWED_HOSTS": "legalaid.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://legalaid.example.cn",
}


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_no_secret_key_without_debug_is_refused(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.sqlite3"
    result = _run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_only_key_hosts_and_origins(tmp_path):
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_when_security_is_relaxed(tmp_path):
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            **PRODUCTION,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
        },
    )
    assert result.returncode != 0
    assert "W004" in result.stdout + result.stderr


def test_every_sqlite_database_gets_wal_and_immediate_transactions():
    from config.settings import _tune_sqlite

    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": "other.sqlite3"}
    _tune_sqlite(db)
    assert db["ENGINE"] == "core.backends.sqlite3"  # the writers queue on a file lock
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    pg = {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}
    _tune_sqlite(pg)
    assert "OPTIONS" not in pg


def test_named_sqlite_database_runs_in_wal_mode(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/named.sqlite3",
    }
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "wal", result.stderr


# --- the documentation is self-contained ---------------------------------------------------------


def _tracked_files() -> list[Path]:
    """The repository's files: git's list when there is one, else the tree without build output."""
    git = shutil.which("git")
    try:
        if git is None:
            raise OSError("no git")
        listed = subprocess.run(
            [git, "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
        ).stdout
        return [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".venv", ".git", "node_modules", "staticfiles", "media", "__pycache__", "build", "dist"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_no_file_points_outside_the_repository_to_shared():
    """A clone has no ``../shared/``: documentation and code point to the project's own docs/."""
    offenders = []
    for path in _tracked_files():
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "tests" or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files
        if "../shared/" in text:
            offenders.append(str(relative))
    assert not offenders, offenders


_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors of a Markdown file's headings."""
    anchors = set()
    for line in markdown.splitlines():
        if match := re.match(r"#{1,6}\s+(.*)", line):
            title = re.sub(r"[^\w\- ]", "", match.group(1).strip().lower())
            anchors.add(title.replace(" ", "-"))
    return anchors


def _documentation() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_documentation_exists():
    names = {path.name for path in _documentation()}
    assert {"README.md", "architecture.md", "domain.md", "api.md", "deployment.md", "workflows.md"} <= names


@pytest.mark.parametrize("document", _documentation(), ids=lambda path: path.name)
def test_every_relative_link_of_the_documentation_resolves(document):
    text = document.read_text(encoding="utf-8")
    broken = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (document.parent / path_part).resolve() if path_part else document
        if not resolved.exists():
            broken.append(target)
        elif (
            anchor
            and resolved.suffix == ".md"
            and anchor not in _anchors(resolved.read_text(encoding="utf-8"))
        ):
            broken.append(target)
    assert not broken, broken
