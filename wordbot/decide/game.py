"""Game decisions (SPEC §5, §6): /game start, resume and replace, typed answers, 👀, idle end.

Pure. A new deck is built by the caller with `build_deck` (so it can load the deck's cards
into the snapshot) and passed in. A game whose `expires_at` has passed ends as timed out
before anything else happens to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from wordbot.callback_data import CallbackData
from wordbot.decide.training import stale_press
from wordbot.decide.transition import (
    DeleteGame,
    FinishGame,
    Moment,
    Prompt,
    PromptTarget,
    Rules,
    SaveGame,
    Snapshot,
    StartGame,
    Transition,
    merge,
)
from wordbot.domain.answers import Verdict, check_answer
from wordbot.domain.game import Direction, GameCard, GameScore, Outcome, resolve
from wordbot.domain.game_session import EndReason, GameSession
from wordbot.effects import AnswerCallback, EditPrompt, Effect, RemoveKeyboard, SendText
from wordbot.rendering import game as texts

__all__ = [
    "active_game",
    "decide_end_idle",
    "decide_game_answer",
    "decide_game_command",
    "decide_game_press",
    "decide_pair_deleted",
    "owed_game_prompt",
    "wants_new_game",
]


def active_game(snapshot: Snapshot, moment: Moment) -> GameSession | None:
    game = snapshot.game
    if game is None or game.is_expired(moment.now):
        return None
    return game


def wants_new_game(snapshot: Snapshot, args: str, moment: Moment) -> bool:
    """Whether `/game args` starts a deck (the caller then builds one and loads its cards)."""
    return active_game(snapshot, moment) is None or args.strip().lower() == "new"


def decide_game_command(
    snapshot: Snapshot, args: str, deck: Sequence[GameCard], rules: Rules, moment: Moment
) -> Transition:
    """`/game` resumes an active game (prompt sent again with "New game"); `/game new` or no
    active game starts one over `deck`."""
    ended = decide_end_idle(snapshot, rules, moment)
    game = active_game(snapshot, moment)
    if game is not None and args.strip().lower() != "new":
        return _resume(game, moment, snapshot.lang)
    if game is not None:
        ended = _replace(game)
    return merge(ended, _start(snapshot, deck, moment))


def decide_game_answer(snapshot: Snapshot, text: str, rules: Rules, moment: Moment) -> Transition:
    """A typed text while a game's prompt is shown is the answer; otherwise it changes nothing."""
    game = active_game(snapshot, moment)
    if game is None or game.current_message_id is None:
        return decide_end_idle(snapshot, rules, moment)
    _, expected = _sides(snapshot, game.current_card)
    checked = check_answer(text, expected)
    outcome = Outcome.CORRECT if checked.correct else Outcome.WRONG
    almost = checked.accepted if checked.verdict is Verdict.ALMOST else None
    return _attempt(snapshot, game, outcome, moment, almost=almost)


def decide_game_press(
    snapshot: Snapshot,
    press,
    data: CallbackData,
    deck: Sequence[GameCard],
    rules: Rules,
    moment: Moment,
) -> Transition:
    """👀 (a miss, requeued) or "New game" on the current prompt; anything else is stale."""
    game = active_game(snapshot, moment)
    current = (
        game is not None
        and data.token == game.current_token
        and press.message_id is not None
        and press.message_id == game.current_message_id
        and data.action in ("peek", "new")
    )
    if not current:
        return merge(
            decide_end_idle(snapshot, rules, moment),
            stale_press(press, data, game, lang=snapshot.lang),
        )
    answer = Transition(answer=AnswerCallback(press.callback_query_id))
    if data.action == "peek":
        return merge(_attempt(snapshot, game, Outcome.PEEKED, moment), answer)
    return merge(merge(_replace(game), _start(snapshot, deck, moment)), answer)


def decide_end_idle(snapshot: Snapshot, rules: Rules, moment: Moment) -> Transition:
    """A game idle past `game_idle` ends as timed out, with its summary."""
    game = snapshot.game
    if game is None or not game.is_expired(moment.now):
        return Transition()
    owed: list[Effect] = []
    if game.current_message_id is not None:
        owed.append(RemoveKeyboard(game.chat_id, game.current_message_id))
    minutes = int(rules.game_idle.total_seconds() // 60)
    owed.append(
        SendText(
            game.chat_id,
            texts.summary(game.score, timed_out_after_minutes=minutes, lang=snapshot.lang),
        )
    )
    return Transition(
        writes=(DeleteGame(), FinishGame(game.statistics_id, EndReason.TIMEOUT, game.score)),
        owed=tuple(owed),
    )


def owed_game_prompt(
    game: GameSession | None, *, resumed: bool = False, lang: str = "en"
) -> Prompt | None:
    """The prompt a game still owes (never sent, or resumed)."""
    if game is None or game.current_message_id is not None:
        return None
    keyboard = texts.game_keyboard(game.current_token, resumed=resumed, lang=lang)
    message = SendText(game.chat_id, game.current_prompt_text, keyboard)
    return Prompt(PromptTarget.GAME, game.current_token, message)


def _start(snapshot: Snapshot, deck: Sequence[GameCard], moment: Moment) -> Transition:
    learner = snapshot.learner
    if not deck:
        return Transition(
            owed=(SendText(learner.chat_id, texts.no_words_for_game(lang=snapshot.lang)),)
        )
    now = moment.now
    game = GameSession(
        chat_id=learner.chat_id,
        user_id=learner.user_id,
        deck=tuple(deck),
        current_token=moment.new_token(),
        current_message_id=None,
        current_prompt_text=texts.prompt_text(_sides(snapshot, deck[0])[0], lang=snapshot.lang),
        statistics_id=0,  # the unit of work opens the statistics row and sets it
        score=GameScore(),
        last_activity_at=now,
        expires_at=now,
        created_at=now,
    )
    return Transition(writes=(StartGame(game),))


def _resume(game: GameSession, moment: Moment, lang: str = "en") -> Transition:
    owed = ()
    if game.current_message_id is not None:
        owed = (RemoveKeyboard(game.chat_id, game.current_message_id),)
    resumed = replace(game, current_message_id=None, last_activity_at=moment.now)
    return Transition(
        writes=(SaveGame(resumed),),
        owed=owed,
        prompt=owed_game_prompt(resumed, resumed=True, lang=lang),
    )


def _replace(game: GameSession) -> Transition:
    owed = ()
    if game.current_message_id is not None:
        owed = (RemoveKeyboard(game.chat_id, game.current_message_id),)
    return Transition(
        writes=(DeleteGame(), FinishGame(game.statistics_id, EndReason.REPLACED, game.score)),
        owed=owed,
    )


def _attempt(
    snapshot: Snapshot,
    game: GameSession,
    outcome: Outcome,
    moment: Moment,
    *,
    almost: str | None = None,
) -> Transition:
    """One attempt; `almost` is the card's spelling of a forgiven answer (SPEC §13)."""
    shown, expected = _sides(snapshot, game.current_card)
    deck, score = resolve(game.deck, game.score, outcome)
    owed: list[Effect] = []
    if game.current_message_id is not None:
        if almost is not None:
            edited = texts.almost_prompt(shown, expected, almost, lang=snapshot.lang)
        else:
            edited = texts.answered_prompt(shown, expected, outcome, lang=snapshot.lang)
        owed.append(EditPrompt(game.chat_id, game.current_message_id, edited))
    if not deck:
        owed.append(SendText(game.chat_id, texts.summary(score, lang=snapshot.lang)))
        return Transition(
            writes=(DeleteGame(), FinishGame(game.statistics_id, EndReason.FINISHED, score)),
            owed=tuple(owed),
        )
    following = replace(
        game,
        deck=deck,
        score=score,
        current_token=moment.new_token(),
        current_message_id=None,
        current_prompt_text=texts.prompt_text(_sides(snapshot, deck[0])[0], lang=snapshot.lang),
        last_activity_at=moment.now,
    )
    return Transition(writes=(SaveGame(following),), owed=tuple(owed))


def _sides(snapshot: Snapshot, card: GameCard) -> tuple[str, str]:
    """(shown, expected) of a card; a pair deleted meanwhile shows as an empty pair."""
    found = snapshot.cards.get(card.pair_id)
    if found is None:
        return "", ""
    if card.direction is Direction.FORWARD:
        return found.word1, found.word2
    return found.word2, found.word1


def decide_pair_deleted(snapshot: Snapshot, pair_id: int, moment: Moment) -> Transition:
    """A pair deleted in /words (SPEC §13) leaves the live game: its cards go from the deck;
    when one is on the current prompt, that prompt loses its keyboard and the game goes on to
    the next card, or ends with its summary when none is left."""
    game = active_game(snapshot, moment)
    if game is None or all(card.pair_id != pair_id for card in game.deck):
        return Transition()
    deck = tuple(card for card in game.deck if card.pair_id != pair_id)
    if game.current_card.pair_id != pair_id:
        return Transition(writes=(SaveGame(replace(game, deck=deck)),))
    owed: list[Effect] = []
    if game.current_message_id is not None:
        owed.append(RemoveKeyboard(game.chat_id, game.current_message_id))
    if not deck:
        owed.append(SendText(game.chat_id, texts.summary(game.score, lang=snapshot.lang)))
        return Transition(
            writes=(DeleteGame(), FinishGame(game.statistics_id, EndReason.FINISHED, game.score)),
            owed=tuple(owed),
        )
    moved = replace(
        game,
        deck=deck,
        current_token=moment.new_token(),
        current_message_id=None,
        current_prompt_text=texts.prompt_text(_sides(snapshot, deck[0])[0], lang=snapshot.lang),
        last_activity_at=moment.now,
    )
    return Transition(writes=(SaveGame(moved),), owed=tuple(owed))
