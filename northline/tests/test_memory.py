"""The collector pause around bulk reads restores the collector exactly as it found it."""

from __future__ import annotations

import gc

import pytest

from northline.lib.memory import bulk_read, collector_paused


def test_it_pauses_the_collector_and_turns_it_back_on() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_turns_it_back_on_when_the_read_fails() -> None:
    @bulk_read
    def failing_read() -> None:
        assert not gc.isenabled()
        raise LookupError("no such row")

    with pytest.raises(LookupError):
        failing_read()
    assert gc.isenabled()


def test_it_leaves_a_collector_that_was_off_off() -> None:
    gc.disable()
    try:
        with collector_paused(), collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_nested_pauses_end_with_the_outer_one() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
