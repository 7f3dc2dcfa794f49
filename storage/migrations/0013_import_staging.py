"""Big imports in chunks (SPEC §7.6): `import_staging` holds an import's pairs, written in short
transactions of a few hundred rows each and keyed by an import id, until the unit of work's
one set-based statement applies them to word_pairs (with the inbox entry's removal and the
outbox rows); they are deleted right after, in chunks. Nothing of an import is visible before
that commit; rows a crash leaves behind are deleted at start-up and by cleanup. The search keys are folded in
Python (`wordbot.domain.word_list.search_key`) when staged, like every other pair write."""

from peewee import BigAutoField, BigIntegerField, CharField, IntegerField, Model, TextField

from storage.fields import UtcDateTimeField


def up(migrator, db):
    class ImportStaging(Model):
        id = BigAutoField()
        import_id = CharField(max_length=32)
        user_id = BigIntegerField()
        word1 = TextField()
        word2 = TextField()
        word1_key = TextField()
        word2_key = TextField()
        new_rank = IntegerField()
        created_at = UtcDateTimeField(index=True)

        class Meta:
            database = db
            table_name = "import_staging"
            indexes = ((("import_id", "word1"), True),)

    db.create_tables([ImportStaging])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("import_staging"))
