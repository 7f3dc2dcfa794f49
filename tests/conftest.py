"""Shared fixtures; helpers live in tests/support."""

from __future__ import annotations

import pytest

from tests.support.databases import BACKENDS, MigratedTemplates, migrated_database
from tests.support.updates import restart_ids


@pytest.fixture(autouse=True)
def _fresh_update_ids():
    """Each test numbers its updates from 1, from the one source in tests/support/updates."""
    restart_ids()


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory):
    """What migrating an empty database makes, made once a test process; `db` hands it out."""
    templates = MigratedTemplates(tmp_path_factory.mktemp("migrated"))
    yield templates
    templates.close()


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path, migrated_templates):
    """A migrated database on each backend (PostgreSQL skipped with a reason when not configured)."""
    yield from migrated_database(request.param, tmp_path, migrated_templates)


def pytest_terminal_summary(terminalreporter):
    """Say once, loudly, when the PostgreSQL half of the suite did not run."""
    from tests.support.databases import POSTGRES_SKIP_REASON

    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if POSTGRES_SKIP_REASON in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} PostgreSQL tests skipped: {POSTGRES_SKIP_REASON}", yellow=True
        )
