"""Fixtures of the answer tests."""

from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.fixture
def app(settings):
    """The sample article with the rule-based fake model."""
    return make_app(settings)
