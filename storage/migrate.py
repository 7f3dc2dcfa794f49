"""Schema versions: numbered files in storage/migrations, applied in order and recorded in a table."""

from __future__ import annotations

import logging
from pathlib import Path

from playhouse.migrations import Runner

from storage.database import database

__all__ = ["MIGRATIONS_DIRECTORY", "migrate", "pending_migrations"]

MIGRATIONS_DIRECTORY = Path(__file__).with_name("migrations")
HISTORY_TABLE = "schema_version"

log = logging.getLogger(__name__)


def _runner() -> Runner:
    return Runner(database.obj, str(MIGRATIONS_DIRECTORY), table_name=HISTORY_TABLE)


def migrate() -> list[str]:
    """Apply every pending migration; returns the names applied."""
    with database.connection_context():
        applied = _runner().up()
    for name in applied:
        log.info("applied migration %s", name)
    return applied


def pending_migrations() -> list[str]:
    with database.connection_context():
        return [m.name for m in _runner().status() if not m.applied]
