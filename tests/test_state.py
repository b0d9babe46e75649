"""The game state (`ifengine.state`): one object that fork, undo, saves and the explorer's key all go
through, copied, compared and turned into plain data by the same field table."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import ifengine
from ifengine.state import GameState, SeededDice

SHOWCASE = Path(__file__).resolve().parent.parent / "examples" / "showcase"


def played(seed: int = 3, steps: int = 4) -> ifengine.Session:
    s = ifengine.Session(ifengine.load_story(SHOWCASE), seed)
    for _ in range(steps):
        if s.is_over or not s.view().enabled:
            break
        s.choose(s.view().enabled[-1].id)
    return s


def test_a_copy_is_equal_and_independent() -> None:
    state = played().state
    stack = list(state.stack)  # this play stands in the log book, called from a line of the wireless scene
    copy = state.copy()
    assert copy == state and hash(copy) == hash(state) and copy is not state
    copy.flags[next(iter(copy.flags))] = "changed"
    copy.visits["somewhere"] = 9
    copy.used.add("x.y")
    copy.stack.append("tunnel")
    assert copy != state and "somewhere" not in state.visits and "x.y" not in state.used and state.stack == stack


def test_the_dice_are_part_of_the_state_and_are_copied_not_shared() -> None:
    state = played().state
    copy = state.copy()
    assert copy.dice is not state.dice
    copy.dice.roll(6)
    assert copy != state  # the generator has moved on in the copy only
    assert copy.key(dice=False) == state.key(dice=False)


def test_plain_data_round_trips_through_json() -> None:
    state = played().state
    data = json.loads(json.dumps(state.to_data()))
    back = GameState.from_data(data)
    assert back == state
    assert back.dice.roll(20) == state.copy().dice.roll(20)


@pytest.mark.parametrize(("broken", "message"), [
    ({"flags": None}, "the state has no 'flags'"),
    ({"visits": [1]}, "the state's 'visits' is wrong: expected a table"),
    ({"dice": "seven"}, "the state's 'dice' is wrong: the dice state is not a table"),
])
def test_bad_plain_data_names_the_field(broken: dict, message: str) -> None:
    data = played().state.to_data()
    for key, value in broken.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    with pytest.raises(ValueError, match=re.escape(message)):
        GameState.from_data(data)


def test_fork_undo_and_rewind_go_through_the_state() -> None:
    s = played(steps=0)
    start = s.state.copy()
    fork = s.fork()
    fork.choose(fork.view().enabled[0].id)
    assert s.state == start and fork.state != start  # the fork moved, the original did not
    s.choose(s.view().enabled[0].id)
    assert s.state == fork.state
    s.undo()
    assert s.state == start
    s.choose(s.view().enabled[0].id)
    s.rewind(0)
    assert s.state == start


def test_the_explorer_key_is_the_state_without_its_dice() -> None:
    s = played()
    assert s.state_key() == s.state.key(dice=False)
    other = played()
    assert other.state_key() == s.state_key() and other.state == s.state


def test_seeded_dice_from_data_refuses_a_broken_table() -> None:
    with pytest.raises(ValueError, match="cannot be restored"):
        SeededDice.from_data({"version": 3, "state": [1, 2]})
