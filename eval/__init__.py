"""Evaluation: question sets, metrics, runner, report and plots."""
