"""The engine (`ifengine.runtime.Session`): loading, views, every construct of the language, undo,
canon status, determinism, runaway stories and runtime faults.

The stories are small fixtures under `tests/fixtures/engine/`, each written so that every rendered line
has one exact expected value.
"""
from __future__ import annotations

import random
import shutil
import time
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ifengine import Story, StoryError, load, load_story
from ifengine.compile import StoryRuntimeError
from ifengine.model import ChoiceKind
from ifengine.runtime import MAX_AUTO_STEPS, CanonStatus, ChoiceError, SeededDice, Session, Step

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "engine"
SHOWCASE = Path(__file__).resolve().parent.parent / "examples" / "showcase"
PLAYABLE = ["constructs", "choices", "dice", "canon", "walk", "extend", "divzero", "runaway"]


@lru_cache(maxsize=None)
def story(name: str) -> Story:
    return load_story(FIXTURES / name)


def ids(view) -> list[str]:
    return [c.id for c in view.choices]


def by_id(view, cid: str):
    return next(c for c in view.choices if c.id == cid)


# ---- loading ----------------------------------------------------------------


@pytest.mark.parametrize("name", PLAYABLE)
def test_every_fixture_loads_as_a_story(name: str) -> None:
    s = load_story(FIXTURES / name)
    assert isinstance(s, Story)
    assert s.id == name
    assert s.start in s.scenes


def test_load_story_raises_one_error_carrying_every_diagnostic() -> None:
    with pytest.raises(StoryError) as info:
        load_story(FIXTURES / "broken")
    err = info.value
    codes = sorted(d.code for d in err.diagnostics if d.is_error)
    assert codes == ["IFS111", "IFS120", "IFS122", "IFS130", "IFS132"]
    assert any(not d.is_error for d in err.diagnostics)  # warnings travel with it too
    message = str(err)
    assert "\n" not in message
    assert message.endswith("(and 4 more)")
    assert "story.ifs:" in message


def test_load_story_on_a_missing_path_raises_story_error(tmp_path: Path) -> None:
    with pytest.raises(StoryError) as info:
        load_story(tmp_path / "nope")
    assert "no such file or folder" in str(info.value)


def test_load_story_of_the_entry_file_follows_includes() -> None:
    s = load_story(FIXTURES / "extend" / "main.ifs")
    assert "zeta-end" in s.scenes and "alpha-end" not in s.scenes


# ---- the view -----------------------------------------------------------------


def test_view_of_the_start_scene() -> None:
    v = Session(story("choices")).view()
    assert (v.scene_id, v.title, v.interlude, v.viewpoint, v.ending, v.step, v.passed) == (
        "hub", "The Hub", False, None, None, 0, ())
    assert v.paragraphs == ("Coins: 0. Hub visits 1, vault seen false, hall visits 0, hub seen true.",)
    assert ids(v) == ["hub.once", "hub.sticky", "hub.key", "hub.door", "hub.drain", "hub.leave"]
    door = by_id(v, "hub.door")
    assert (door.label, door.enabled, door.reason, door.canon, door.sticky, door.kind) == (
        "Open the door (0 coins)", False, "The door is locked.", False, False, ChoiceKind.LABELLED)
    leave = by_id(v, "hub.leave")
    assert (leave.label, leave.enabled, leave.reason, leave.canon) == ("Leave", True, None, True)
    assert by_id(v, "hub.sticky").sticky and not by_id(v, "hub.once").sticky
    assert [c.id for c in v.enabled] == ["hub.once", "hub.sticky", "hub.key", "hub.drain", "hub.leave"]


def test_interlude_view_is_marked_with_its_viewpoint() -> None:
    s = Session(story("constructs"))
    s.choose("entry.continue")
    v = s.choose("text.finish")
    assert (v.scene_id, v.title, v.interlude, v.viewpoint) == ("aside", "Meanwhile, Aboard", True, "Captain Moss")
    assert v.paragraphs == ("The captain has not heard of you.",)
    assert [(c.id, c.label, c.kind) for c in v.choices] == [("aside.continue", "Continue", ChoiceKind.CONTINUE)]


def test_ending_view_and_nothing_left_to_choose() -> None:
    s = Session(story("constructs"))
    for cid in ("entry.continue", "text.finish", "aside.continue"):
        v = s.choose(cid)
    assert v.ending is not None
    assert (v.ending.id, v.ending.kind, v.ending.title) == ("finish", "canon", "Finished")
    assert (v.scene_id, v.title, v.interlude, v.viewpoint, v.choices, v.step) == (
        "finish", "Finished", False, None, (), 3)
    assert v.paragraphs == ("Final: hp 4, gold -6, brave false, level -3.",)
    assert s.is_over and not s.is_stuck
    with pytest.raises(ChoiceError, match="not offered"):
        s.choose("aside.continue")


def test_view_is_stable_between_calls() -> None:
    s = Session(story("dice"), seed=3)
    assert s.view() == s.view() == s.view()


# ---- scene bodies: effects, clamping, text ------------------------------------


def test_entry_effects_run_in_order_and_prose_sees_each_new_value() -> None:
    v = Session(story("constructs")).view()
    assert v.paragraphs == (
        "Before: hp 5, gold 7.",
        "After one: hp 8, gold -3.",  # += and -=
        "After clamp: hp 10, gold -6.",  # hp 0..10 clamps at the top; gold has no range
        "Clamped low: hp 0.",  # and at the bottom
        "Brave is true; name is Ada; sum is -2; negative -4; product 11. "
        "Division -2, -4, 3, -3, 3.",
        "Brave again is false; compare true, true, true.",
        "Grouping 18, precedence 10, chain 12.",
    )


def test_integer_division_rounds_down() -> None:
    # gold / 4 with gold = -6 is -2 (not -1); -7 / 2 is -4; 7 / 2 is 3; -8 / 3 is -3.
    para = Session(story("constructs")).view().paragraphs[4]
    assert para.endswith("Division -2, -4, 3, -3, 3.")


def test_clamping_of_a_range_with_a_negative_bound() -> None:
    s = Session(story("constructs"))
    v = s.choose("entry.continue")
    assert v.paragraphs[0] == "Level 3."  # 2 + 5 clamped to 3
    assert v.paragraphs[1].startswith("Level -3.")  # 3 - 9 clamped to -3
    assert s.flags["level"] == -3


def test_flags_after_entry_effects() -> None:
    s = Session(story("constructs"))
    assert s.flags == {"hp": 4, "gold": -6, "brave": False, "name": "Ada", "debt": -7, "level": 0}
    assert s.visible_flags() == [("Health", 4), ("Brave", False)]


def test_inline_conditions_nested_blocks_and_elif() -> None:
    s = Session(story("constructs"))
    v = s.choose("entry.continue")
    assert v.paragraphs == (
        "Level 3.",
        "Level -3. You are not brave. Healthy, fair. Name Ada, hello Ada.",
        # `{if hp > 100: never shown}` alone in a paragraph renders to nothing and is left out
        "Middling and in debt (-6).",  # elif, then a nested ~ if / ~ elif
        "Nested twice.",  # a block nested two deep
        "Done.",
    )
    v = s.choose("text.again")  # toggles brave and adds 5 hp before re-entering
    assert v.paragraphs == (
        "Level 3.",
        "Level -3. You are brave. Healthy, very. Name Ada, hello Ada.",
        "Strong.",
        "Brave block.",
        "Done.",
    )


def test_labels_interpolate_and_hold_inline_conditions() -> None:
    s = Session(story("constructs"))
    v = s.choose("entry.continue")
    assert by_id(v, "text.again").label == "Be brave (4 hp, timid)"
    hub = Session(story("choices")).view()
    assert by_id(hub, "hub.door").label == "Open the door (0 coins)"


def test_interpolation_of_each_type() -> None:
    s = Session(story("constructs"))
    text = " ".join(s.view().paragraphs)
    assert "hp 5" in text and "gold -3" in text  # int, negative int
    assert "Brave is true" in text and "Brave again is false" in text  # bool as true/false
    assert "name is Ada" in text  # str
    assert "sum is -2" in text and "negative -4" in text and "product 11" in text  # int expressions
    assert "compare true, true, true" in text  # bool expressions


def test_no_empty_paragraphs() -> None:
    for name in ("constructs", "choices", "dice", "canon", "walk"):
        s = Session(story(name), seed=1)
        rng = random.Random(1)
        for _ in range(30):
            v = s.view()
            for seen in (v,) + v.passed:
                assert all(p.strip() == p and p for p in seen.paragraphs), (name, seen.scene_id, seen.paragraphs)
            if not v.enabled:
                break
            s.choose(rng.choice(v.enabled).id)


# ---- choices -----------------------------------------------------------------


def test_once_only_choice_is_not_offered_again_and_sticky_is() -> None:
    s = Session(story("choices"))
    v = s.choose("hub.once")
    assert "hub.once" not in ids(v)
    assert s.flags["coins"] == 1
    v = s.choose("hub.sticky")
    v = s.choose("hub.sticky")
    assert "hub.sticky" in ids(v)
    assert s.flags["coins"] == 3
    with pytest.raises(ChoiceError, match="'hub.once' is not offered in scene 'hub'"):
        s.choose("hub.once")


def test_hidden_versus_disabled_with_reason() -> None:
    s = Session(story("choices"))
    v = s.view()
    assert "hub.secret" not in ids(v)  # `? key` without a reason hides
    assert not by_id(v, "hub.door").enabled  # `? key else "..."` disables
    assert "hub.mixed" not in ids(v)  # a hiding condition wins over an earlier disabling one
    with pytest.raises(ChoiceError, match=r"'hub.door' is disabled \(The door is locked.\)"):
        s.choose("hub.door")


def test_several_conditions_must_all_hold_and_the_first_failing_reason_shows() -> None:
    s = Session(story("choices"))
    v = s.choose("hub.key")
    door = by_id(v, "hub.door")
    assert (door.enabled, door.reason) == (False, "You need two coins.")
    assert "hub.secret" not in ids(v)  # key, but not 3 coins
    v = s.choose("hub.sticky")
    v = s.choose("hub.sticky")
    door = by_id(v, "hub.door")
    assert (door.enabled, door.reason, door.label) == (True, None, "Open the door (2 coins)")
    assert "hub.secret" not in ids(v)
    v = s.choose("hub.sticky")
    assert by_id(v, "hub.secret").enabled


def test_choice_effects_run_in_order_before_the_target_is_entered() -> None:
    s = Session(story("choices"))
    for cid in ("hub.key", "hub.sticky", "hub.sticky"):
        s.choose(cid)
    v = s.choose("hub.door")
    assert v.scene_id == "hall"
    assert v.paragraphs == ("Opened 1; arrived with 2; coins 0.",)


def test_continue_is_a_plain_choice_with_a_derived_id() -> None:
    s = Session(story("choices"))
    for cid in ("hub.key", "hub.sticky", "hub.sticky"):
        s.choose(cid)
    v = s.choose("hub.door")
    (c,) = v.choices
    assert (c.id, c.label, c.kind, c.enabled) == ("hall.continue", "Continue", ChoiceKind.CONTINUE, True)
    assert s.choose("hall.continue").scene_id == "hub"


def test_fallback_is_taken_by_itself_and_passed_scenes_keep_their_prose() -> None:
    s = Session(story("choices"))
    v = s.choose("hub.drain")
    # drained offers nothing enabled (charm hidden, ferryman disabled): its first available fallback
    # (first-fb) goes to tunnel, whose only choice is a fallback to sewer.
    assert v.scene_id == "sewer"
    assert [p.scene_id for p in v.passed] == ["drained", "tunnel"]
    drained = v.passed[0]
    assert drained.paragraphs == ("The drain is dark.",)
    assert [(c.id, c.enabled, c.reason) for c in drained.choices] == [
        ("drained.pay", False, "The ferryman wants five coins.")]  # fallbacks are never shown
    assert v.passed[1].paragraphs == ("You crawl through the tunnel.",)
    assert v.paragraphs == ("It smells.",)
    assert v.step == 1
    assert s.history == [Step("hub", "hub.drain"), Step("drained", "drained.first-fb", True),
                         Step("tunnel", "tunnel.fallback", True)]
    assert s.choices_taken == ["hub.drain"]
    assert s.visits["drained"] == s.visits["tunnel"] == s.visits["sewer"] == 1


def test_hidden_fallback_is_skipped_for_the_next_one() -> None:
    s = Session(story("choices"))
    s.choose("hub.key")
    v = s.choose("hub.drain")
    assert v.scene_id == "corridor"
    assert [p.scene_id for p in v.passed] == ["drained"]


def test_fallback_waits_while_anything_is_enabled() -> None:
    s = Session(story("choices"))
    for _ in range(5):
        s.choose("hub.sticky")
    v = s.choose("hub.drain")
    assert v.scene_id == "drained" and v.passed == ()
    assert [c.id for c in v.enabled] == ["drained.pay"]


def test_a_fallback_cannot_be_chosen_by_the_player() -> None:
    s = Session(story("choices"))
    for _ in range(5):
        s.choose("hub.sticky")
    s.choose("hub.drain")
    with pytest.raises(ChoiceError, match="not offered"):
        s.choose("drained.fallback")


def test_dead_end_when_fallbacks_are_used_up() -> None:
    s = Session(story("choices"))
    s.choose("hub.key")
    s.choose("hub.drain")  # falls back to corridor; that once-only fallback is now used
    s.choose("corridor.walk-back")
    v = s.choose("hub.drain")
    assert v.scene_id == "drained" and not v.enabled
    assert s.is_stuck and not s.is_over


def test_visits_and_seen() -> None:
    s = Session(story("choices"))
    assert s.view().paragraphs[0].endswith("Hub visits 1, vault seen false, hall visits 0, hub seen true.")
    s.choose("hub.sticky")
    v = s.choose("hub.key")
    assert v.paragraphs[0].endswith("Hub visits 3, vault seen false, hall visits 0, hub seen true.")
    s.choose("hub.sticky")
    s.choose("hub.sticky")
    s.choose("hub.secret")
    v = s.choose("vault.back")
    assert v.paragraphs[0] == "Coins: 3. Hub visits 6, vault seen true, hall visits 0, hub seen true."
    assert s.visits == {"hub": 6, "vault": 1}


def test_extension_choices_come_after_the_scenes_own_in_path_order() -> None:
    v = Session(story("extend")).view()
    # alpha.ifs < branches/zeta.ifs < main.ifs < mid.ifs, by path
    assert ids(v) == ["square.north", "square.south", "square.alpha", "square.zeta", "square.mid"]
    s = Session(story("extend"))
    end = s.choose("square.alpha")
    assert end.ending is not None and end.paragraphs == ("Alpha taken: true.",)
    only_main = Session(load_story(FIXTURES / "extend" / "main.ifs")).view()
    assert ids(only_main) == ["square.north", "square.south", "square.zeta"]


def test_choose_unknown_id() -> None:
    s = Session(story("choices"))
    with pytest.raises(ChoiceError, match="'nope' is not offered in scene 'hub'"):
        s.choose("nope")
    assert s.choices_taken == [] and s.history == []


# ---- history and undo ----------------------------------------------------------


def _snapshot(s: Session) -> tuple:
    return (s.view(), s.flags, s.visits, list(s.history), list(s.choices_taken), s.state_key())


def test_history_records_every_step() -> None:
    s = Session(story("choices"))
    s.choose("hub.once")
    s.choose("hub.drain")
    assert s.history == [Step("hub", "hub.once"), Step("hub", "hub.drain"),
                         Step("drained", "drained.first-fb", True), Step("tunnel", "tunnel.fallback", True)]
    assert s.choices_taken == ["hub.once", "hub.drain"]
    assert s.view().step == 2


def test_undo_and_rewind_to_every_earlier_step() -> None:
    moves = ["hub.once", "hub.key", "hub.sticky", "hub.door", "hall.continue", "hub.drain", "corridor.walk-back",
             "hub.sticky", "hub.sticky", "hub.sticky", "hub.secret"]
    snapshots = []
    s = Session(story("choices"))
    snapshots.append(_snapshot(s))
    for cid in moves:
        s.choose(cid)
        snapshots.append(_snapshot(s))
    for n in range(len(moves), -1, -1):
        t = Session(story("choices"))
        for cid in moves:
            t.choose(cid)
        t.rewind(n)
        assert _snapshot(t) == snapshots[n], n
    # undo one step at a time walks back through every snapshot
    for n in range(len(moves) - 1, -1, -1):
        s.undo()
        assert _snapshot(s) == snapshots[n]
    s.undo()  # at the start already: stays there
    assert _snapshot(s) == snapshots[0]


def test_undo_several_steps_and_past_the_start() -> None:
    s = Session(story("choices"))
    for cid in ("hub.once", "hub.key", "hub.sticky"):
        s.choose(cid)
    assert s.undo(2).scene_id == "hub"
    assert s.choices_taken == ["hub.once"] and s.flags["coins"] == 1 and not s.flags["key"]
    assert "hub.key" in ids(s.view())  # the once-only choice is offered again
    s.undo(10)
    assert s.choices_taken == [] and s.history == [] and s.visits == {"hub": 1}


def test_rewind_with_out_of_range_counts() -> None:
    s = Session(story("choices"))
    for cid in ("hub.once", "hub.key"):
        s.choose(cid)
    s.rewind(-1)
    assert s.choices_taken == []
    s.choose("hub.key")
    s.rewind(99)
    assert s.choices_taken == ["hub.key"]


def test_undo_restores_the_dice() -> None:
    s = Session(story("dice"), seed=7)
    s.choose("table.again")
    after_one = s.view()
    s.choose("table.again")
    second = s.view()
    s.undo()
    assert s.view() == after_one
    assert s.choose("table.again") == second  # the same draw again: the generator was rewound too


def test_fork_is_independent() -> None:
    s = Session(story("dice"), seed=5)
    s.choose("table.again")
    f = s.fork()
    assert f.state_key() == s.state_key()
    a = s.choose("table.quiet")
    b = f.choose("table.quiet")
    assert a == b  # same dice state, same draws
    s.choose("quiet.continue")
    assert f.scene_id == "quiet" and f.choices_taken == ["table.again", "table.quiet"]


# ---- canon status ----------------------------------------------------------------


def test_canon_status_following_canon() -> None:
    s = Session(story("canon"))
    assert s.canon_status() == CanonStatus(True, None, 0)
    s.choose("a.on")
    s.choose("b.on-to-c")
    v = s.choose("c.gate")
    assert v.ending is not None and v.ending.kind == "canon"
    assert s.canon_status() == CanonStatus(True, None, 0)


def test_canon_choice_of_a_scene() -> None:
    s = Session(story("canon"))
    assert s.canon_choice() == "a.on"
    assert s.canon_choice("glade") == "glade.leave-the-glade"  # a single choice is canon by itself
    assert s.canon_choice("woods") is None
    assert s.canon_choice("c") == "c.gate"


def test_canon_status_leaving_and_coming_back() -> None:
    s = Session(story("canon"))
    s.choose("a.wander")
    assert s.canon_status() == CanonStatus(False, "a", 1)
    s.choose("woods.deeper")
    s.choose("deep.back-to-the-woods")
    assert s.canon_status() == CanonStatus(False, "a", 1)
    s.choose("woods.back")  # back into b, a scene of the canon path
    assert s.canon_status() == CanonStatus(True, "a", 1)
    v = s.choose("b.off-to-the-cliff")
    assert v.ending is not None and v.ending.kind == "death"
    assert s.canon_status() == CanonStatus(False, "a", 2)


def test_canon_status_a_non_canon_choice_into_a_canon_scene_counts_as_a_break() -> None:
    s = Session(story("canon"))
    s.choose("a.skip")  # into c, on the path, but not the way the original went
    status = s.canon_status()
    assert (status.first_break, status.breaks) == ("a", 1)


@pytest.mark.parametrize("name", ["rumak", "cerberi"])
def test_canon_status_asked_at_every_move_agrees_with_a_fresh_reading(name: str) -> None:
    """The player asks at every move, and the session keeps what the history so far says; undo, rewind and
    fork must not leave it reading an old road. A fork reads its history afresh."""
    s = Session(load_story(SHOWCASE.parent.parent / "stories" / name), 3)
    pick = random.Random(3)
    seen = set()
    for move in range(400):
        status = s.canon_status()
        assert status == s.fork().canon_status()
        seen.add(status)
        enabled = [c.id for c in s.view().choices if c.enabled]
        if not enabled or move % 7 == 6:  # back a little, then on by another road
            s.undo(1 + move % 3)
            continue
        canon = s.canon_choice()  # mostly the original's road, so play leaves it and comes back
        s.choose(canon if canon in enabled and pick.random() < 0.7 else pick.choice(enabled))
    assert len({(st.on_path, st.breaks) for st in seen}) >= 4  # on and off the road, after several breaks


def test_canon_status_a_fallback_off_the_path_leaves_it() -> None:
    s = Session(story("canon"))
    s.choose("a.wander")
    s.choose("woods.deeper")
    s.choose("deep.onward")
    v = s.choose("glade.leave-the-glade")  # into c without lit: the gate is hidden, c falls back into the pit
    assert v.scene_id == "pit" and [p.scene_id for p in v.passed] == ["c"]
    status = s.canon_status()
    assert status.on_path is False
    assert (status.first_break, status.breaks) == ("a", 1)
    s.choose("pit.climb")
    assert s.canon_status() == CanonStatus(False, "a", 1)


def test_canon_status_an_automatic_step_is_not_a_break_but_leaves_the_path() -> None:
    s = Session(story("canon"))
    # Skipping b (a break, though it lands in c on the path) leaves lit unset, so c's canon gate is hidden
    # and c falls back into the pit by itself: that automatic step takes the player off the path, and it
    # is not counted as a second break.
    s.choose("a.skip")
    assert s.scene_id == "pit" and [p.scene_id for p in s.view().passed] == ["c"]
    assert s.canon_status() == CanonStatus(False, "a", 1)


def test_canon_marks_in_the_view() -> None:
    v = Session(story("canon")).view()
    assert [c.id for c in v.choices if c.canon] == ["a.on"]


# ---- determinism and the dice ------------------------------------------------------


def _walk(s: Session, rng: random.Random, steps: int) -> list:
    """Play `steps` random choices; record everything a client could see."""
    out = [s.view()]
    for _ in range(steps):
        v = s.view()
        if not v.enabled:
            break
        out.append(s.choose(rng.choice(v.enabled).id))
    return out


@pytest.mark.parametrize("name", ["constructs", "choices", "dice", "canon", "walk", "extend"])
def test_same_story_seed_and_choices_give_the_same_transcript(name: str) -> None:
    for seed in (0, 1, 12345):
        a = _walk(Session(story(name), seed), random.Random(seed), 60)
        b = _walk(Session(story(name), seed), random.Random(seed), 60)
        assert a == b


def test_a_reloaded_story_plays_the_same() -> None:
    a = _walk(Session(story("dice"), 9), random.Random(2), 40)
    b = _walk(Session(load_story(FIXTURES / "dice"), 9), random.Random(2), 40)
    assert a == b


def test_different_seeds_draw_differently() -> None:
    firsts = {Session(story("dice"), seed).view().paragraphs for seed in range(20)}
    assert len(firsts) > 5


def _state(s: Session) -> tuple:
    return (s.scene_id, s.flags, s.visits, list(s.history), s.choices_taken, s.is_over,
            [(c.id, c.enabled, c.reason) for c in s.view().choices], [p.scene_id for p in s.view().passed] or None)


@pytest.mark.parametrize("name", ["dice", "walk", "choices", "canon", "constructs"])
def test_render_false_follows_the_identical_path(name: str) -> None:
    for seed in range(25):
        on, off = Session(story(name), seed), Session(story(name), seed, render=False)
        rng = random.Random(seed)
        for _ in range(40):
            assert _state(on)[:7] == _state(off)[:7]
            assert on.state.dice.rng.getstate() == off.state.dice.rng.getstate()  # same number of draws
            assert off.view().paragraphs == ()
            enabled = on.view().enabled
            if not enabled:
                break
            cid = rng.choice(enabled).id
            on.choose(cid)
            off.choose(cid)


def test_render_false_draws_for_dice_in_prose_and_labels() -> None:
    """roll() in a paragraph, in an inline `{if chance()}` and in a choice label draws the same with render=False."""
    on, off = Session(story("dice"), 4), Session(story("dice"), 4, render=False)
    for _ in range(10):
        on.choose("table.again")
        off.choose("table.again")
        assert on.flags == off.flags
    on.choose("table.quiet")
    off.choose("table.quiet")
    on.choose("quiet.continue")
    off.choose("quiet.continue")
    assert on.flags == off.flags


def test_dice_ranges() -> None:
    totals, lows, lucky = set(), set(), set()
    for seed in range(300):
        s = Session(story("dice"), seed, render=False)
        totals.add(s.flags["total"])
        lows.add(s.flags["low"])
        lucky.add(s.flags["lucky"])
    assert totals == {1, 2, 3, 4, 5, 6}  # roll(6) is 1..6, every face comes up
    assert lows == {1, 2, 3}  # roll(100) clamped into 0..3 (never 0: roll starts at 1)
    assert lucky == {True, False}


def test_seeded_dice_bounds() -> None:
    d = SeededDice(0)
    rolls = [d.roll(3) for _ in range(600)]
    assert set(rolls) == {1, 2, 3}
    assert all(d.roll(1) == 1 for _ in range(50))
    assert not any(d.chance(0) for _ in range(500))
    assert all(d.chance(100) for _ in range(500))
    share = sum(d.chance(30) for _ in range(10_000))
    assert 2_600 < share < 3_400


def test_dice_are_advanced_only_by_the_story() -> None:
    """Reading the session (views, flags, canon status, forks) draws nothing; nor does the global generator."""
    quiet = Session(story("dice"), 11)
    busy = Session(story("dice"), 11)
    for cid in ("table.again", "table.quiet", "quiet.continue", "table.again"):
        for _ in range(3):
            busy.view()
            busy.flags
            busy.visits
            busy.canon_status()
            busy.visible_flags()
            busy.state_key()
            fork = busy.fork()
            fork.choose(fork.view().enabled[0].id)
            random.seed(99)
            random.random()
        assert busy.choose(cid) == quiet.choose(cid)


def test_a_story_without_dice_never_draws() -> None:
    s = Session(story("choices"), 3)
    for cid in ("hub.once", "hub.key", "hub.sticky", "hub.door", "hall.continue", "hub.drain"):
        s.choose(cid)
    assert s.state.dice.rng.getstate() == random.Random(3).getstate()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["dice", "walk", "choices", "canon", "constructs", "extend"]),
       seed=st.integers(0, 2**32), picks=st.lists(st.integers(0, 50), max_size=40))
def test_property_replay_rewind_and_render_agree(name: str, seed: int, picks: list[int]) -> None:
    """For any walk: replaying its ids gives the same views; render=False the same path; rewind(n) equals
    a fresh replay of the first n ids."""
    s = Session(story(name), seed)
    off = Session(story(name), seed, render=False)
    views = [s.view()]
    for p in picks:
        enabled = s.view().enabled
        if not enabled:
            break
        cid = enabled[p % len(enabled)].id
        views.append(s.choose(cid))
        off.choose(cid)
        assert (off.scene_id, off.flags, off.visits, off.history) == (s.scene_id, s.flags, s.visits, s.history)
    replay = Session(story(name), seed)
    assert [replay.view()] + [replay.choose(c) for c in s.choices_taken] == views
    n = len(s.choices_taken) // 2
    s.rewind(n)
    assert s.view() == views[n]


# ---- runaway stories and runtime faults ---------------------------------------------


def test_a_runaway_story_stops_with_a_clear_error() -> None:
    s = Session(story("runaway"))
    t0 = time.perf_counter()
    with pytest.raises(StoryRuntimeError) as info:
        s.choose("start.in")
    assert time.perf_counter() - t0 < 5
    message = str(info.value)
    assert f"{MAX_AUTO_STEPS} automatic steps" in message and "loop of fallbacks" in message
    assert info.value.span is not None and info.value.span.file.endswith("story.ifs")
    # the failed choice left the session where it was
    assert s.scene_id == "start" and s.choices_taken == [] and s.history == [] and s.visits == {"start": 1}
    assert s.choose("start.safe").ending is not None


def test_a_runaway_story_from_the_start(tmp_path: Path) -> None:
    root = tmp_path / "runaway"
    shutil.copytree(FIXTURES / "runaway", root)
    f = root / "story.ifs"
    f.write_text(f.read_text().replace("@start start", "@start loop-a"))
    loaded = load(root)  # the checker plays the canon path and reports the loop...
    (fault,) = [d for d in loaded.diagnostics if d.is_error]
    assert fault.code == "IFS150" and "automatic steps" in fault.message
    s = loaded.story  # ...and the engine, given the story anyway, stops rather than hangs
    assert s is not None
    with pytest.raises(StoryRuntimeError, match="automatic steps"):
        Session(s)
    with pytest.raises(StoryRuntimeError, match="automatic steps"):
        Session(s, render=False)


def test_the_checker_catches_an_unconditional_fallback_cycle(tmp_path: Path) -> None:
    root = tmp_path / "cycle"
    shutil.copytree(FIXTURES / "runaway", root)
    f = root / "story.ifs"
    f.write_text(f.read_text().replace("* canon [Leave] -> out\n  ? never\n", "")
                 .replace("+ fallback", "* fallback"))
    with pytest.raises(StoryError) as info:
        load_story(root)
    assert "IFS142" in {d.code for d in info.value.diagnostics}


def _line_of(name: str, needle: str) -> int:
    lines = (FIXTURES / name / "story.ifs").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize("render", [True, False])
@pytest.mark.parametrize("cid,needle", [("start.prose", "Share: {n / d}"), ("start.effect", "~ n = n / d"),
                                        ("start.label", "[Each gets {n / d}]"), ("start.cond", "? n / d > 1")])
def test_division_by_zero_at_runtime_is_an_error_with_a_span(cid: str, needle: str, render: bool) -> None:
    s = Session(story("divzero"), render=render)
    if render:
        assert s.view().paragraphs == ("2 parts.",)
    with pytest.raises(StoryRuntimeError) as info:
        s.choose(cid)
    e = info.value
    assert "division by zero" in str(e)
    assert e.span is not None
    assert e.span.file.endswith("divzero/story.ifs")
    assert e.span.line == _line_of("divzero", needle)
    assert str(e).startswith(f"{e.span}: ")
    # the session is unchanged and still playable
    assert s.scene_id == "start" and s.choices_taken == [] and s.flags == {"d": 0, "n": 10}
    assert s.choose("start.do-not-divide").ending is not None


# ---- the showcase --------------------------------------------------------------------


@pytest.mark.skipif(not (SHOWCASE / "main.ifs").is_file(), reason="examples/showcase is not written yet")
def test_showcase_canon_path() -> None:
    session = Session(load_story(SHOWCASE))
    while not session.is_over:
        cid = session.canon_choice()
        assert cid is not None and cid in {c.id for c in session.view().enabled}
        session.choose(cid)
    assert session.view().ending.kind == "canon"
    assert session.canon_status() == CanonStatus(True, None, 0)


@pytest.mark.skipif(not (SHOWCASE / "main.ifs").is_file(), reason="examples/showcase is not written yet")
def test_showcase_random_walks_are_deterministic_and_render_free_walks_agree() -> None:
    s = load_story(SHOWCASE)
    for seed in range(30):
        walk = _walk(Session(s, seed), random.Random(seed), 80)
        assert _walk(Session(s, seed), random.Random(seed), 80) == walk
        on, off = Session(s, seed), Session(s, seed, render=False)
        rng = random.Random(seed)
        for _ in range(80):
            assert _state(on)[:7] == _state(off)[:7]
            if not on.view().enabled:
                break
            cid = rng.choice(on.view().enabled).id
            on.choose(cid)
            off.choose(cid)
