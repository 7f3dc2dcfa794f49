"""Actor-test fixtures: an injected clock and a recording outbound (a file may override them)."""

import pytest

from tests.support.outbound import RecordingOutbound
from wordbot.clock import FakeClock


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def outbound():
    return RecordingOutbound()
