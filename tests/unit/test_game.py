"""The /game rules (SPEC §5): deck building, resolving attempts, the whole game, accuracy."""

import random
from collections import Counter

import pytest

from wordbot.domain.game import (
    DECK_PAIRS,
    Direction,
    GameCard,
    GameScore,
    Outcome,
    build_deck,
    resolve,
)

A_FORWARD = GameCard(1, Direction.FORWARD)
A_BACKWARD = GameCard(1, Direction.BACKWARD)
B_FORWARD = GameCard(2, Direction.FORWARD)
B_BACKWARD = GameCard(2, Direction.BACKWARD)
DECK = (A_FORWARD, B_BACKWARD, A_BACKWARD, B_FORWARD)


def _pair_ids(count: int) -> list[int]:
    return [100 + n for n in range(count)]


# --- build_deck -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pair_count", "deck_size"),
    [(0, 0), (1, 2), (3, 6), (5, 10), (12, 10)],
    ids=["no_pairs", "one_pair", "three_pairs", "five_pairs", "twelve_pairs"],
)
def test_deck_has_two_cards_for_each_of_up_to_five_pairs(pair_count: int, deck_size: int) -> None:
    deck = build_deck(_pair_ids(pair_count), random.Random(1))
    assert len(deck) == deck_size


def test_no_pairs_give_an_empty_deck_that_is_already_over() -> None:
    deck = build_deck([], random.Random(1))
    assert deck == ()
    assert not deck


@pytest.mark.parametrize("pair_count", [1, 3, 5, 12])
@pytest.mark.parametrize("seed", range(20))
def test_every_chosen_pair_appears_once_in_each_direction(pair_count: int, seed: int) -> None:
    pair_ids = _pair_ids(pair_count)
    deck = build_deck(pair_ids, random.Random(seed))
    cards = Counter(deck)
    assert set(cards.values()) == {1}
    chosen = {card.pair_id for card in deck}
    assert len(chosen) == min(DECK_PAIRS, pair_count)
    assert chosen <= set(pair_ids)
    assert set(cards) == {GameCard(p, d) for p in chosen for d in Direction}


def test_duplicate_pair_ids_count_once() -> None:
    deck = build_deck([7, 7, 7, 8, 8], random.Random(3))
    assert sorted(deck, key=lambda c: (c.pair_id, c.direction)) == [
        GameCard(7, Direction.BACKWARD),
        GameCard(7, Direction.FORWARD),
        GameCard(8, Direction.BACKWARD),
        GameCard(8, Direction.FORWARD),
    ]


def test_deck_is_deterministic_for_a_seeded_random() -> None:
    pair_ids = _pair_ids(12)
    assert build_deck(pair_ids, random.Random(42)) == build_deck(pair_ids, random.Random(42))


def test_shuffled_order_varies_across_seeds() -> None:
    orders = {build_deck(_pair_ids(3), random.Random(seed)) for seed in range(20)}
    assert len(orders) > 10


def test_chosen_pairs_vary_across_seeds() -> None:
    choices = {
        frozenset(card.pair_id for card in build_deck(_pair_ids(12), random.Random(seed)))
        for seed in range(20)
    }
    assert len(choices) > 10


def test_every_pair_can_be_chosen() -> None:
    pair_ids = _pair_ids(12)
    seen = {
        card.pair_id for seed in range(50) for card in build_deck(pair_ids, random.Random(seed))
    }
    assert seen == set(pair_ids)


def test_build_deck_does_not_change_the_given_ids() -> None:
    pair_ids = _pair_ids(12)
    build_deck(pair_ids, random.Random(5))
    assert pair_ids == _pair_ids(12)


# --- resolve --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "deck_after", "score_after"),
    [
        pytest.param(
            Outcome.CORRECT,
            (B_BACKWARD, A_BACKWARD, B_FORWARD),
            GameScore(correct=3, attempted=5),
            id="correct_removes_the_card",
        ),
        pytest.param(
            Outcome.WRONG,
            (B_BACKWARD, A_BACKWARD, B_FORWARD, A_FORWARD),
            GameScore(correct=2, attempted=5),
            id="wrong_requeues_at_the_back",
        ),
        pytest.param(
            Outcome.PEEKED,
            (B_BACKWARD, A_BACKWARD, B_FORWARD, A_FORWARD),
            GameScore(correct=2, attempted=5),
            id="peek_is_a_miss_and_requeues",
        ),
    ],
)
def test_resolve_each_outcome(
    outcome: Outcome, deck_after: tuple[GameCard, ...], score_after: GameScore
) -> None:
    assert resolve(DECK, GameScore(correct=2, attempted=4), outcome) == (deck_after, score_after)


@pytest.mark.parametrize(
    ("outcome", "deck_after", "score_after"),
    [
        (Outcome.CORRECT, (), GameScore(1, 1)),
        (Outcome.WRONG, (A_FORWARD,), GameScore(0, 1)),
        (Outcome.PEEKED, (A_FORWARD,), GameScore(0, 1)),
    ],
    ids=["correct_empties_the_deck", "wrong_keeps_the_card", "peek_keeps_the_card"],
)
def test_resolve_the_last_card(
    outcome: Outcome, deck_after: tuple[GameCard, ...], score_after: GameScore
) -> None:
    assert resolve((A_FORWARD,), GameScore(), outcome) == (deck_after, score_after)


def test_resolve_accepts_outcome_values() -> None:
    assert resolve(DECK, GameScore(), "correct") == resolve(DECK, GameScore(), Outcome.CORRECT)  # type: ignore[arg-type]


@pytest.mark.parametrize("outcome", list(Outcome))
def test_resolve_on_an_empty_deck_is_an_error(outcome: Outcome) -> None:
    with pytest.raises(ValueError, match="empty deck"):
        resolve((), GameScore(), outcome)


@pytest.mark.parametrize(
    ("deck", "over"),
    [((), True), ((A_FORWARD,), False), (DECK, False)],
    ids=["empty", "one_card", "four_cards"],
)
def test_is_over_when_the_deck_is_empty(deck: tuple[GameCard, ...], over: bool) -> None:
    assert (not deck) is over


# --- a whole game ---------------------------------------------------------------------------

C, W, P = Outcome.CORRECT, Outcome.WRONG, Outcome.PEEKED


def _play(
    deck: tuple[GameCard, ...], outcomes: list[Outcome]
) -> tuple[GameScore, Counter[GameCard], int]:
    """Play `outcomes` in order; the score, correct answers per card and attempts played."""
    cards = len(deck)
    score = GameScore()
    correct_per_card: Counter[GameCard] = Counter()
    played = 0
    for outcome in outcomes:
        if not deck:
            break
        if outcome is Outcome.CORRECT:
            correct_per_card[deck[0]] += 1
        deck, score = resolve(deck, score, outcome)
        played += 1
        assert len(deck) == len(set(deck)) == cards - score.correct
    assert not deck
    return score, correct_per_card, played


@pytest.mark.parametrize(
    ("outcomes", "final_score"),
    [
        pytest.param([C, C, C, C], GameScore(4, 4), id="all_correct"),
        pytest.param([W, C, P, C, W, P, W, C, C], GameScore(4, 9), id="mixed"),
        pytest.param([P, P, P, P, C, C, C, C], GameScore(4, 8), id="peek_every_card_first"),
        pytest.param([W, W, W, W, W, W, W, W, C, C, C, C], GameScore(4, 12), id="two_rounds_wrong"),
    ],
)
def test_scripted_game_ends_when_every_card_was_answered_correctly_once(
    outcomes: list[Outcome], final_score: GameScore
) -> None:
    deck = (A_FORWARD, A_BACKWARD, B_FORWARD, B_BACKWARD)
    score, correct_per_card, played = _play(deck, outcomes)
    assert played == len(outcomes)
    assert score == final_score
    assert correct_per_card == Counter(deck)


def test_scripted_game_order_follows_the_queue() -> None:
    deck = (A_FORWARD, A_BACKWARD, B_FORWARD)
    shown = []
    score = GameScore()
    for outcome in [W, C, P, W, C, C]:
        shown.append(deck[0])
        deck, score = resolve(deck, score, outcome)
    assert shown == [A_FORWARD, A_BACKWARD, B_FORWARD, A_FORWARD, B_FORWARD, A_FORWARD]
    assert not deck
    assert score == GameScore(3, 6)


@pytest.mark.parametrize("seed", range(30))
def test_random_games_end_after_exactly_one_correct_answer_per_card(seed: int) -> None:
    rng = random.Random(seed)
    deck = build_deck(_pair_ids(rng.randint(1, 8)), rng)
    score = GameScore()
    misses = 0
    correct_per_card: Counter[GameCard] = Counter()
    while deck:
        outcome = rng.choice(list(Outcome))
        if outcome is Outcome.CORRECT:
            correct_per_card[deck[0]] += 1
        else:
            misses += 1
        deck, score = resolve(deck, score, outcome)
    assert set(correct_per_card.values()) == {1}
    assert score.correct == len(correct_per_card)
    assert score.attempted == score.correct + misses


# --- score ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "attempted", "percent"),
    [
        (0, 0, 0),
        (0, 3, 0),
        (3, 3, 100),
        (2, 3, 67),
        (1, 3, 33),
        (1, 8, 13),
        (3, 8, 38),
        (5, 8, 63),
        (7, 8, 88),
        (1, 200, 1),
        (1, 201, 0),
        (199, 200, 100),
        (10, 12, 83),
        (8, 10, 80),
    ],
    ids=lambda value: str(value),
)
def test_accuracy_percent_rounds_half_up(correct: int, attempted: int, percent: int) -> None:
    assert GameScore(correct, attempted).accuracy_percent == percent


def test_a_fresh_score_is_zero() -> None:
    assert GameScore() == GameScore(correct=0, attempted=0)
    assert GameScore().accuracy_percent == 0


@pytest.mark.parametrize(
    ("correct", "attempted"),
    [(-1, 0), (0, -1), (2, 1)],
    ids=["negative_correct", "negative_attempts", "more_correct_than_attempts"],
)
def test_impossible_scores_are_rejected(correct: int, attempted: int) -> None:
    with pytest.raises(ValueError):
        GameScore(correct, attempted)


# --- JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize("card", [A_FORWARD, B_BACKWARD, GameCard(0, Direction.FORWARD)])
def test_card_json_round_trip(card: GameCard) -> None:
    assert GameCard.from_json(card.to_json()) == card


def test_card_json_shape() -> None:
    assert GameCard(7, Direction.BACKWARD).to_json() == {"pair_id": 7, "direction": "backward"}


def test_card_from_json_gives_a_direction_member() -> None:
    assert GameCard.from_json({"pair_id": 7, "direction": "forward"}).direction is Direction.FORWARD


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"pair_id": 7},
        {"direction": "forward"},
        {"pair_id": 7, "direction": "sideways"},
        {"pair_id": "7", "direction": "forward"},
        {"pair_id": True, "direction": "forward"},
        {"pair_id": 7.0, "direction": "forward"},
    ],
    ids=["empty", "no_direction", "no_pair", "unknown_direction", "text_id", "bool_id", "float_id"],
)
def test_card_from_malformed_json_is_an_error(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="not a saved game card"):
        GameCard.from_json(data)


def test_direction_and_outcome_values_are_stable() -> None:
    assert [d.value for d in Direction] == ["forward", "backward"]
    assert [o.value for o in Outcome] == ["correct", "wrong", "peeked"]
    assert DECK_PAIRS == 5
