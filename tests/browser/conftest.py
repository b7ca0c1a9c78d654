"""Browser tests: Playwright for Python driving Debian's chromium (never `playwright install`)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK) or bool(shutil.which("chromium"))


def pytest_collection_modifyitems(config, items):
    if _chromium_available():
        return
    skip = pytest.mark.skip(
        reason=f"browser test skipped: Debian's chromium not found at {CHROMIUM} "
        "(install it with `apt-get install -y chromium`; .ci/run does)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (fixtures) are still synchronous, so allow them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _pages_settled_before_the_flush(transactional_db, browser):
    """After each test, let every open page finish its requests, then close it, before the database
    is flushed (this fixture's teardown runs before ``transactional_db``'s).

    A page a test ends on may still be fetching (the application form loads its materials checklist
    as it opens): served by the live server's thread during the flush, that request made the flush
    fail with "database table is locked" and the thread answer a 500.
    """
    yield
    from playwright.sync_api import Error as PlaywrightError

    for context in list(browser.contexts):
        for open_page in context.pages:
            try:
                open_page.wait_for_load_state("networkidle", timeout=5_000)
            except PlaywrightError:  # a page that never settles is closed all the same
                pass
        context.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """A transactional test flushes the database afterwards, data migrations' rows included:
    put the regions, role groups and means-test rule rows back before each browser test."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("directory.migrations.0002_regions_and_role_groups")
    migration.forwards(apps, None)
    # the means test's rule rows (Art 32 matters, Art 42 exemptions and their proof)
    importlib.import_module("aid_cases.migrations.0007_means_proof_rules").seed(apps, None)
    # the default closing-file checklist
    importlib.import_module("assignments.migrations.0003_closing_checklist_defaults").forwards(apps, None)
