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


def test_the_workers_models_together_use_no_more_threads_than_there_are_cores():
    """Each xdist worker runs a model (the chat model on one, the embedder on the other): with more
    threads than cores between them, their OpenMP threads stall each other at every step (the
    real-embedder tests took 1.7× as long). scripts/test.sh gives each worker its share."""
    import os

    import torch

    from rag.settings import Settings

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        pytest.skip("one process: the models may use every core")
    cores = os.cpu_count() or 1
    assert torch.get_num_threads() * workers <= max(cores, workers)
    assert 0 < Settings().llm_threads and Settings().llm_threads * workers <= max(cores, workers)
