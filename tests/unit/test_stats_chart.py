"""The /stats picture (SPEC §14): a valid PNG of the promised size, for any learner."""

import random
import struct
import threading
from datetime import date, timedelta

import pytest

from wordbot.domain.stats import DayCount
from wordbot.rendering.stats_chart import CHART_PIXELS, ChartLabels, render_stats_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 200 * 1024
TODAY = date(2026, 3, 10)


def series(counts, first_day):
    return [DayCount(first_day + timedelta(days=i), count) for i, count in enumerate(counts)]


def past(counts):
    return series(counts, TODAY - timedelta(days=len(counts) - 1))


def future(counts):
    return series(counts, TODAY)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, the first one after the magic bytes."""
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def busy_learner(seed=7):
    rng = random.Random(seed)
    return past([rng.randint(0, 400) for _ in range(30)]), future(
        [rng.randint(0, 900) for _ in range(30)]
    )


@pytest.mark.parametrize(
    "learner",
    [
        pytest.param(lambda: (past([0] * 30), future([0] * 30)), id="empty"),
        pytest.param(busy_learner, id="busy"),
        pytest.param(lambda: (past([1] + [0] * 29), future([0] * 29 + [10_000])), id="lopsided"),
    ],
)
def test_the_picture_is_a_png_of_the_chart_size_within_200_kb(learner):
    png = render_stats_png(*learner())
    assert png.startswith(PNG_MAGIC)
    assert png_size(png) == (CHART_PIXELS, CHART_PIXELS)
    assert len(png) < MAX_PNG_BYTES
    assert png.endswith(b"IEND\xaeB`\x82")


def test_the_picture_renders_with_no_days_at_all():
    assert render_stats_png([], []).startswith(PNG_MAGIC)


def test_other_labels_change_the_picture():
    reviews, due = busy_learner()
    english = render_stats_png(reviews, due)
    russian = render_stats_png(
        reviews,
        due,
        ChartLabels(
            reviews_title="Повторений в день",
            due_title="К повторению",
            today="сегодня",
            format_day=lambda day: day.strftime("%d.%m"),
        ),
    )
    assert russian.startswith(PNG_MAGIC) and russian != english


def test_pictures_rendered_in_parallel_threads_equal_one_rendered_alone():
    reviews, due = busy_learner()
    alone = render_stats_png(reviews, due)
    results = []

    def render():
        results.append(render_stats_png(reviews, due))

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [alone] * 4
