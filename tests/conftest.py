"""Shared fixtures; helpers live in tests/support."""

from __future__ import annotations

import pytest

from tests.support.databases import BACKENDS, migrated_database


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    """A migrated database on each backend (PostgreSQL skipped with a reason when not configured)."""
    yield from migrated_database(request.param, tmp_path)
