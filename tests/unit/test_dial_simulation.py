"""The retention dial's figures come from fsrs-rs-python's simulator with the learner's own
parameters and situation (SPEC §12); without the simulator there is no dial, and no crash."""

from __future__ import annotations

import logging
import random

import pytest

from wordbot.benchmarks.memory_models import draw_learner_parameters
from wordbot.domain.fsrs_schedule import DEFAULT_PARAMETERS
from wordbot.domain.retention_dial import RatingHabits, best_point, dial_situation
from wordbot.learning import dial


def _situation(words=300, new=10, retention=0.9):
    return dial_situation(
        parameters=None,
        fitted_at=None,
        fitted_on_reviews=None,
        word_count=words,
        new_cards_per_day=new,
        desired_retention=retention,
    )


def test_higher_retention_costs_more_reviews_and_keeps_more_words():
    points = dial.simulate_dial(DEFAULT_PARAMETERS, _situation())
    assert [p.retention for p in points] == pytest.approx([0.80, 0.85, 0.90, 0.95])
    reviews = [p.reviews for p in points]
    recalled = [p.recalled for p in points]
    assert reviews == sorted(reviews) and recalled == sorted(recalled)
    assert 0 < recalled[-1] <= 300
    assert best_point(points) is not None


def test_the_learners_own_parameters_give_their_own_figures():
    own = draw_learner_parameters(random.Random(3), spread=0.5)
    assert own != DEFAULT_PARAMETERS
    defaults = dial.simulate_dial(DEFAULT_PARAMETERS, _situation())
    theirs = dial.simulate_dial(own, _situation())
    assert [p.reviews for p in theirs] != [p.reviews for p in defaults]
    assert [p.recalled for p in theirs] != pytest.approx([p.recalled for p in defaults])
    # and the same parameters give the same figures: the seeds are fixed
    assert dial.simulate_dial(own, _situation()) == theirs


def test_the_learners_rating_habits_change_the_figures():
    """A learner who presses Hard a lot on reviews grows memories slower: more reviews."""
    defaults = dial.simulate_dial(DEFAULT_PARAMETERS, _situation())
    hard = RatingHabits(first=(0.3, 0.3, 0.3, 0.1), review=(0.6, 0.35, 0.05))
    theirs = dial.simulate_dial(DEFAULT_PARAMETERS, _situation(), hard)
    assert [p.reviews for p in theirs] != [p.reviews for p in defaults]
    assert theirs[2].reviews > defaults[2].reviews
    only_first = RatingHabits(first=(0.3, 0.3, 0.3, 0.1))
    assert dial.simulate_dial(DEFAULT_PARAMETERS, _situation(), only_first) != defaults


def test_the_learners_situation_is_simulated():
    small = dial.simulate_dial(DEFAULT_PARAMETERS, _situation(words=200, new=5))
    large = dial.simulate_dial(DEFAULT_PARAMETERS, _situation(words=2000, new=20))
    assert large[0].recalled > 5 * small[0].recalled
    own = dial.simulate_dial(DEFAULT_PARAMETERS, _situation(retention=0.93))
    assert 0.93 in [round(p.retention, 2) for p in own]


def test_without_the_simulator_there_is_no_dial(monkeypatch):
    monkeypatch.setattr(dial, "_fsrs_rs", lambda: None)
    assert not dial.dial_available()
    assert dial.simulate_dial(DEFAULT_PARAMETERS, _situation()) is None


@pytest.mark.parametrize("parameters", [[1.0, 2.0], [float("nan")] * 21, [100.0] * 21, ["x"] * 21])
def test_parameters_outside_fsrs_bounds_give_no_dial_and_no_panic(parameters, caplog):
    with caplog.at_level(logging.WARNING):
        assert dial.simulate_dial(parameters, _situation()) is None
    assert "outside FSRS-6's bounds" in caplog.text


def test_a_failing_simulator_gives_no_dial(monkeypatch, caplog):
    class Panic(BaseException):  # what pyo3 raises for a Rust panic
        pass

    class Broken:
        def default_simulator_config(self):
            return type("Config", (), {})()

        def simulate(self, *args):
            raise Panic("called `Result::unwrap()` on an `Err` value")

    monkeypatch.setattr(dial, "_fsrs_rs", Broken)
    with caplog.at_level(logging.WARNING):
        assert dial.simulate_dial(DEFAULT_PARAMETERS, _situation()) is None
    assert "simulator failed (Panic" in caplog.text


def test_the_simulator_process_gives_the_same_figures_and_survives_its_child_dying():
    """The bot simulates in a child process (fsrs-rs-python holds the GIL while it runs)."""
    situation = _situation(words=150)
    simulator = dial.SimulatorProcess(timeout=120)
    try:
        assert simulator(DEFAULT_PARAMETERS, situation) == dial.simulate_dial(
            DEFAULT_PARAMETERS, situation
        )
        for child in list(simulator._pool._processes.values()):  # a crash of the child
            child.kill()
            child.join()
        assert simulator(DEFAULT_PARAMETERS, situation) is None
        assert simulator(DEFAULT_PARAMETERS, situation) is not None  # a new child
    finally:
        simulator.close()
