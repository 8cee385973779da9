"""What the test command itself relies on (scripts/test.sh)."""

from __future__ import annotations

import pytest


def test_each_test_runs_in_the_xdist_group_conftest_gives_it(request):
    """`-n 2 --dist loadgroup`: the tests that ask the real chat model share one worker (the model loaded
    once) only if pytest-xdist sees the group tests/conftest.py gives every test. pytest 9.2 made it lose
    them without a word (pytest-dev/pytest-xdist#1386): every test its own unit, both workers loading
    both models. Under `-n 0` there are no groups to check."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run under --dist loadgroup (scripts/test.sh -n 0)")
    assert request.node.nodeid.endswith("@tests/test_suite_setup.py"), request.node.nodeid
