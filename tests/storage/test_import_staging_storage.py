"""Big imports staged in chunks (SPEC §7.6) on SQLite and PostgreSQL: staging, the one
statement that applies it, discarding, cleanup of abandoned rows, other users untouched."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from storage import import_staging, users, vocabulary
from storage.database import database
from storage.models import ImportStaging, WordPair
from wordbot.benchmarks.seed import seed_new_pairs
from wordbot.domain.pairs import MAX_PAIRS_PER_USER, PairInput, StagedPairs

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
USER = 601
OTHER = 602


@pytest.fixture
def learners(db):
    users.ensure_learner(USER, USER, NOW)
    users.ensure_learner(OTHER, OTHER, NOW)


def _pairs(rows):
    return [PairInput(a, b) for a, b in rows]


def _stage(rows, user_id=USER, now=NOW, chunk=import_staging.STAGE_CHUNK):
    return import_staging.stage_pairs(user_id, _pairs(rows), now, random.Random(3), chunk=chunk)


def _stored(user_id=USER):
    return dict(
        WordPair.select(WordPair.word1, WordPair.word2).where(WordPair.user == user_id).tuples()
    )


def test_staging_writes_a_chunk_per_transaction_with_keys_and_nothing_visible(
    learners, monkeypatch
):
    chunks = []
    original = import_staging._stage_chunk

    def counted(rows):
        assert not database.in_transaction()  # each chunk is a transaction of its own
        chunks.append(len(rows))
        original(rows)

    monkeypatch.setattr(import_staging, "_stage_chunk", counted)
    staged = _stage(
        [("École", "Schule"), ("dog", "Perro  Grande")] + [(f"w{n}", "x") for n in range(5)],
        chunk=3,
    )
    assert chunks == [3, 3, 1]
    assert staged.count == 7 and len(staged.import_id) == 32
    assert import_staging.staged_count(USER, staged.import_id) == 7
    ecole = ImportStaging.get(ImportStaging.word1 == "École")
    assert (ecole.word1_key, ecole.word2_key, ecole.user_id) == ("ecole", "schule", USER)
    assert ImportStaging.get(ImportStaging.word1 == "dog").word2_key == "perro grande"
    assert _stored() == {}  # nothing of the import is visible before it is applied


def test_apply_inserts_new_updates_changed_and_leaves_identical_pairs_alone(learners):
    vocabulary.upsert_pairs(
        USER, _pairs([("house", "casa"), ("cat", "gato")]), NOW, random.Random(1)
    )
    reviewed = NOW + timedelta(hours=1)
    WordPair.update(state="review", reps=4, interval_days=9, last_reviewed_at=reviewed).where(
        WordPair.word1 == "house"
    ).execute()
    later = NOW + timedelta(days=1)
    staged = _stage([("house", "hogar"), ("cat", "gato"), ("Éclair", "Blitz")], now=later)
    assert import_staging.apply_staged_pairs(USER, staged, later) == 2
    assert _stored() == {"house": "hogar", "cat": "gato", "Éclair": "Blitz"}
    house = WordPair.get(WordPair.word1 == "house")
    assert (house.state, house.reps, house.interval_days) == ("review", 4, 9)
    assert house.last_reviewed_at == reviewed
    assert (house.word2_key, house.updated_at) == ("hogar", later)
    cat = WordPair.get(WordPair.word1 == "cat")
    assert cat.updated_at == NOW  # unchanged pair: not rewritten
    eclair = WordPair.get(WordPair.word1 == "Éclair")
    assert (eclair.state, eclair.ease, eclair.reps, eclair.lapses, eclair.step) == (
        "new",
        2.5,
        0,
        0,
        0,
    )
    assert (eclair.due_at, eclair.suspended, eclair.fsrs_state) == (None, False, None)
    assert (eclair.word1_key, eclair.word2_key) == ("eclair", "blitz")
    assert (eclair.created_at, eclair.updated_at) == (later, later)
    assert 0 <= eclair.new_rank < 2**31 - 1
    # the staged rows stay until discarded
    assert import_staging.staged_count(USER, staged.import_id) == 3
    assert import_staging.discard_staged(staged.import_id) == 3
    assert ImportStaging.select().count() == 0


def test_new_rank_comes_from_the_staged_row(learners):
    staged = _stage([("a", "1"), ("b", "2")])
    ranks = dict(ImportStaging.select(ImportStaging.word1, ImportStaging.new_rank).tuples())
    import_staging.apply_staged_pairs(USER, staged, NOW)
    assert dict(WordPair.select(WordPair.word1, WordPair.new_rank).tuples()) == ranks


def test_apply_is_all_or_nothing_inside_the_callers_transaction(learners):
    staged = _stage([(f"w{n}", "x") for n in range(50)], chunk=7)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), database.atomic():
        import_staging.apply_staged_pairs(USER, staged, NOW)
        raise Boom  # e.g. the outbox write after it fails
    assert _stored() == {}
    assert import_staging.staged_count(USER, staged.import_id) == 50  # can be discarded


def test_apply_refuses_an_incomplete_staging_and_writes_nothing(learners):
    staged = _stage([(f"w{n}", "x") for n in range(10)], chunk=4)
    first = ImportStaging.select(ImportStaging.id).order_by(ImportStaging.id).limit(1).scalar()
    ImportStaging.delete().where(ImportStaging.id == first).execute()
    with pytest.raises(import_staging.StagingIncomplete) as refused:
        import_staging.apply_staged_pairs(USER, staged, NOW)
    assert (refused.value.expected, refused.value.found) == (10, 9)
    assert _stored() == {}


def test_apply_refuses_to_go_over_the_pair_limit(learners):
    seed_new_pairs(USER, [(f"old{n}", "x") for n in range(MAX_PAIRS_PER_USER - 2)], NOW)
    staged = _stage([("old1", "changed"), ("n1", "y"), ("n2", "y"), ("n3", "y")])
    with pytest.raises(vocabulary.TooManyPairs):
        import_staging.apply_staged_pairs(USER, staged, NOW)
    assert vocabulary.count_pairs(USER) == MAX_PAIRS_PER_USER - 2
    assert WordPair.get(WordPair.word1 == "old1").word2 == "x"


def test_another_users_staging_is_never_applied_to_me_and_their_pairs_stay(learners):
    vocabulary.upsert_pairs(OTHER, _pairs([("house", "Haus")]), NOW, random.Random(1))
    theirs = _stage([("house", "maison"), ("cat", "chat")], user_id=OTHER)
    # their import id under my user id: no rows of mine, so nothing is applied anywhere
    with pytest.raises(import_staging.StagingIncomplete):
        import_staging.apply_staged_pairs(USER, StagedPairs(theirs.import_id, 2), NOW)
    assert _stored(USER) == {} and _stored(OTHER) == {"house": "Haus"}
    mine = _stage([("house", "casa")])
    import_staging.apply_staged_pairs(USER, mine, NOW)
    import_staging.discard_staged(mine.import_id)
    assert _stored(USER) == {"house": "casa"}
    assert _stored(OTHER) == {"house": "Haus"}
    assert import_staging.staged_count(OTHER, theirs.import_id) == 2  # their staging untouched


def test_cleanup_deletes_only_abandoned_staging_in_chunks(learners, monkeypatch):
    monkeypatch.setattr(import_staging, "_DELETE_CHUNK", 4)
    old = _stage([(f"old{n}", "x") for n in range(9)], now=NOW - timedelta(hours=2))
    fresh = _stage([(f"new{n}", "x") for n in range(5)], user_id=OTHER, now=NOW)
    assert import_staging.purge_abandoned(NOW) == 9
    assert import_staging.staged_count(USER, old.import_id) == 0
    assert import_staging.staged_count(OTHER, fresh.import_id) == 5  # may still be staging
    assert import_staging.purge_abandoned(NOW + timedelta(minutes=59)) == 0
    assert import_staging.purge_abandoned(NOW + timedelta(hours=1, seconds=1)) == 5


def test_start_up_discards_every_staged_row(learners, monkeypatch):
    monkeypatch.setattr(import_staging, "_DELETE_CHUNK", 3)
    _stage([(f"a{n}", "x") for n in range(7)])
    _stage([(f"b{n}", "x") for n in range(2)], user_id=OTHER)
    assert import_staging.discard_all() == 9
    assert ImportStaging.select().count() == 0
    assert _stored(USER) == {} and _stored(OTHER) == {}


def test_discarding_one_import_keeps_the_others(learners):
    one = _stage([("a", "1"), ("b", "2")])
    two = _stage([("a", "1")])
    assert import_staging.discard_staged(one.import_id) == 2
    assert import_staging.staged_count(USER, two.import_id) == 1
