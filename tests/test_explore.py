"""`ifengine explore` (random and exhaustive), `shortest_path` and `play --at`, on the showcase and on fixtures
built to contain what exploring must find: dead ends, unreachable endings, runtime errors, loops and dice."""
from __future__ import annotations

import json
import random
from collections import deque
from pathlib import Path

import pytest

from ifengine.cli import main
from ifengine.explore import explore_exhaustive, relevance, shortest_path
from ifengine.loader import load, load_story
from ifengine.runtime import Session

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "tools"
SHOWCASE = ROOT / "examples" / "showcase"
TROUBLE, MAZE, DICE, BROKEN = (str(FIX / n) for n in ("trouble", "maze", "dice", "broken"))


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["explore", *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


# ---- exhaustive -------------------------------------------------------------------------------------


def test_exhaustive_showcase_proves_every_scene_and_ending(capsys):
    code, data = run_json(capsys, str(SHOWCASE), "--exhaustive")
    assert code == 0
    assert data["mode"] == "exhaustive" and data["complete"] is True
    for key in ("runs", "states", "scenes_total", "scenes_reached", "choices_total", "choices_reached", "endings",
                "unreached_scenes", "unreached_endings", "dead_ends", "errors"):
        assert key in data
    assert data["scenes_reached"] == data["scenes_total"] == 10
    assert data["choices_reached"] == data["choices_total"]
    assert data["unreached_scenes"] == data["unreached_endings"] == []
    assert data["dead_ends"] == data["errors"] == []
    endings = {e["id"]: e for e in data["endings"]}
    assert set(endings) == {"the-light-holds", "the-rope-holds", "the-sea-keeps", "coastguard"}
    assert all(e["reached"] for e in endings.values())
    assert endings["the-light-holds"]["kind"] == "canon" and endings["the-light-holds"]["title"] == "The Light Holds"
    # BFS: the canon ending's shortest path is the canon path
    assert endings["the-light-holds"]["path"] == ["cottage.climb", "tower-stair.climb-on", "lamp-room.light",
                                                  "lit.continue", "bridge.turn"]


def test_every_reported_path_replays_to_its_finding_with_its_seed():
    story = load_story(SHOWCASE)
    report = explore_exhaustive(story)
    assert len(report.endings) == 4
    for ending_id, f in report.endings.items():
        assert f.seed is not None, ending_id
        s = Session(story, f.seed)
        for cid in f.path:
            s.choose(cid)
        assert s.is_over and s.scene_id == ending_id


def test_exhaustive_finds_dead_end_unreachable_ending_and_error(capsys):
    code, data = run_json(capsys, TROUBLE, "--exhaustive")
    assert code == 1
    assert data["complete"] is True
    assert data["unreached_scenes"] == ["cellar"]
    assert data["unreached_endings"] == ["treasure"]
    assert "loft.take-the-back-stair" in data["unreached_choices"]
    assert [d["scene"] for d in data["dead_ends"]] == ["loft"]
    assert data["dead_ends"][0]["path"] == ["mill.loft"]
    [err] = data["errors"]
    assert "division by zero" in err["message"] and "trouble.ifs:31" in err["message"]
    assert err["path"] == ["mill.count", "count.count-them-again"]
    assert {e["id"]: e["reached"] for e in data["endings"]} == {"flood-gone": True, "treasure": False}


def test_text_output_names_findings_and_paths(capsys):
    assert main(["explore", TROUBLE, "--exhaustive"]) == 1
    out = capsys.readouterr().out
    assert "complete" in out and "DEAD ENDS" in out and "loft" in out
    assert "endings never reached (proven): treasure" in out
    assert "path: mill.count count.count-them-again" in out
    assert main(["explore", str(SHOWCASE), "--exhaustive"]) == 0
    out = capsys.readouterr().out
    assert "dead ends: none" in out and "errors: none" in out and "4/4 reached" in out


def test_dice_outcomes_are_enumerated_and_offered_choices_kept():
    # maze: `? roll(6) == 6` decides on arrival whether "Climb in" is offered; a key without the offered
    # choices would merge the two states and "prove" the ending unreachable.
    report = explore_exhaustive(load_story(MAZE))
    assert report.complete
    assert set(report.endings) == {"found", "wet"}
    wet = report.endings["wet"]
    assert wet.seed is not None and any(wet.draws)
    s = Session(load_story(MAZE), wet.seed)
    for cid in wet.path:
        s.choose(cid)
    assert s.scene_id == "wet"
    assert list(report.dead_ends) == ["fountain"]


def test_max_states_bounds_the_search_and_says_so(capsys):
    code, data = run_json(capsys, str(SHOWCASE), "--exhaustive", "--max-states", "20")
    assert data["complete"] is False and data["states"] == 20
    assert main(["explore", str(SHOWCASE), "--exhaustive", "--max-states", "20"]) == 0
    assert "INCOMPLETE" in capsys.readouterr().out


def test_relevance_drops_what_cannot_change_the_future():
    rel = relevance(load_story(MAZE))
    assert not rel.full
    assert "noise" not in rel.flags  # read only in prose, and it grows without bound
    caps = dict(rel.visits)
    assert caps["right"] == 4  # `visits(right) < 3`: one past the constant is enough to tell them apart
    assert caps["left"] == 1  # `seen(left)` in a condition; `visits(left)` in prose does not count
    assert "gate" not in caps
    assert rel.cyclic >= {"gate", "left", "right"}
    # trouble divides by `stones - 2` in prose: nothing may be dropped, and prose must be rendered
    assert relevance(load_story(TROUBLE)).full


def test_a_flag_read_only_by_a_guard_still_counts(tmp_path):
    # `junk` is read by nothing but the `~ if` that sets `lucky`: dropping it would merge junk=0 and junk=1
    # at the well, and the search would "prove" the win unreachable.
    (tmp_path / "guard.ifs").write_text(
        "@story guard\n@title G\n@role R: r.\n@start well\n@flag junk: int = 0\n@flag lucky: bool = false\n"
        "=== well: The Well\n+ [Throw a coin] -> well\n  ~ junk += 1\n* canon [Go home] -> home\n"
        "=== home: Home\n~ if junk == 2\n~ lucky = true\n~ end\n* [Win] -> win\n  ? lucky\n"
        "* canon [Lose] -> lose\n=== ending win (alternate): Win\nW.\n=== ending lose (canon): Lose\nL.\n",
        encoding="utf-8")
    story = load_story(tmp_path)
    assert "junk" in relevance(story).flags
    report = explore_exhaustive(story, max_states=1000)
    assert set(report.endings) == {"win", "lose"}
    assert report.endings["win"].path == ["well.throw-a-coin", "well.throw-a-coin", "well.go-home", "home.win"]
    assert not report.complete  # junk grows without bound: the bound is what stops the search


# The oracle: a plain breadth-first search that keys states by *everything* (all flags, all visit counts,
# every used choice, the choices offered) and enumerates dice itself. Within a depth it must find exactly
# what the explorer finds with its smaller keys.

class _Dice:
    def __init__(self) -> None:
        self.script: list[int] = []
        self.drawn: list[tuple[int, int]] = []

    def _draw(self, n: int) -> int:
        i = len(self.drawn)
        k = self.script[i] if i < len(self.script) else 0
        self.drawn.append((k, n))
        return k

    def roll(self, sides: int) -> int:
        return self._draw(sides) + 1 if sides > 1 else 1

    def chance(self, percent: int) -> bool:
        return percent >= 100 or (percent > 0 and self._draw(2) == 0)

    def pick(self, place: str, count: int, options: int, matters: bool = True) -> int:
        return self._draw(options)  # every option of every shuffle, whatever it holds


def assert_search_matches_oracle(story, depth: int) -> None:
    """The abstract search finds exactly what the full-state oracle finds, to `depth`: the same offers,
    scenes, choices, endings, dead ends and faults."""
    want = _oracle(story, depth)
    offers: set = set()
    got = explore_exhaustive(story, max_depth=depth, visit=lambda s: offers.add(_offer(s)))
    assert offers == want["offers"]
    assert got.scenes_reached == want["scenes"]
    assert got.choices_reached == want["choices"]
    assert set(got.endings) == want["endings"]
    assert set(got.dead_ends) == want["dead"]
    assert set(got.errors) == want["errors"]


def _oracle(story, depth: int) -> dict[str, set]:
    dice = _Dice()
    found: dict[str, set] = {"scenes": {story.start}, "choices": set(), "endings": set(), "dead": set(), "errors": set(),
                             "offers": set()}

    def outcomes(run):
        script: list[int] = []
        while True:
            dice.script, dice.drawn = script, []
            try:
                yield run()
            except Exception as e:  # noqa: BLE001
                yield e
            i = len(dice.drawn) - 1
            while i >= 0 and dice.drawn[i][0] + 1 >= dice.drawn[i][1]:
                i -= 1
            if i < 0:
                return
            script = [k for k, _ in dice.drawn[:i]] + [dice.drawn[i][0] + 1]

    def full_key(s):
        return s.state_key() + (tuple(c.id for c in s.view().enabled),)

    seen = set()
    queue: deque = deque()

    def visit(s, d, n0):
        if isinstance(s, Exception):
            found["errors"].add(str(s))
            return
        for step in s.history[n0:]:  # each step is taken where the one before arrived
            found["choices"].add(step.choice_id)
            found["scenes"].add(step.scene_id)
        found["scenes"].add(s.scene_id)
        k = full_key(s)
        if k in seen:
            return
        seen.add(k)
        found["offers"].add(_offer(s))
        if s.is_over:
            found["endings"].add(s.scene_id)
        elif s.is_stuck:
            found["dead"].add(s.scene_id)
        else:
            queue.append((s, d))

    for s in outcomes(lambda: Session(story, 0, render=True, dice=dice)):
        visit(s, 0, 0)
    while queue:
        s, d = queue.popleft()
        if d >= depth:
            continue
        for c in s.view().enabled:
            def step(c=c, s=s):
                t = s.fork()
                t.choose(c.id)
                return t
            n0 = len(s.history)
            for t in outcomes(step):
                found["choices"].add(c.id)
                visit(t, d + 1, n0)
    return found


def _offer(s) -> tuple:
    """What a player sees of a state: where they are (the scene and its part) and what they may choose."""
    return s.scene_id, s.state.part, tuple(c.id for c in s.view().enabled)


def _random_story(rng: random.Random, tunnels: bool = False, body_calls: bool = False) -> str:
    n = rng.randint(3, 6)
    scenes = [f"s{i}" for i in range(n)]
    conds = ["n > 1", "n == 0", "not b", "b", "visits({s}) >= 2", "visits({s}) == 1", "seen({s})", "chance(50)",
             "roll(3) == 2", "visits({s}) < 3", "n + visits({s}) > 2", "visits({s}) > 1", "2 >= visits({s})",
             'w == "ab"', 'w + "b" != "b"', "m == q", "m != p", "u in t", "count(t) > 1", "not (v in t)"]
    guards = conds + ["junk > 1", "junk == 0", "visits({s}) == 2"]  # `~ if` may read what nothing else reads
    effects = ["~ n += 1", "~ n -= 1", "~ toggle b", "~ junk += 1", "~ n = roll(3)", "~ b = chance(30)",
               "~ junk = junk + visits({s})", '~ w += "a"', '~ w = w + "b"', "~ m = q", "~ m = r", "~ t += u",
               "~ t -= u", "~ t += v"]
    # text alternatives: plain, drawing dice, or failing on some showings only (then what they show next is
    # part of what the search must tell apart)
    alternatives = ["{cycle: a | b | {10 / n}}", "{stopping: x | {roll(2)}}", "{once: o1 | {junk}}",
                    "{shuffle: p | {20 / n} | q}", "{shuffle: r | s}", "{cycle: {once: u | v} | w}",
                    "{stopping: {shuffle: y | {5 / n}} | z}"]
    lines = ["@story prop", "@title Prop", "@role Tester: a test.", "@start s0",
             "@flag n: int 0..3 = 0", "@flag b: bool = false", "@flag junk: int = 0", '@flag w: str = ""',
             "@flag m: enum p | q | r = p", "@flag t: set of u | v = {}"]
    for i, sid in enumerate(scenes):
        lines.append(f"=== {sid}: Scene {i}" + (" #chapter: c" if rng.random() < 0.3 else ""))
        lines.append(f"Junk is {{junk}}, visits {{visits({sid})}}, the {{ordinal(visits({sid}))}}; {{Words(n)}} {{m}} {{t}}."
                     + (" " + rng.choice(alternatives) if rng.random() < 0.5 else "")
                     + (" #sound: s #dark" if rng.random() < 0.3 else ""))
        if rng.random() < 0.5:
            lines += [f"~ if {rng.choice(guards).format(s=rng.choice(scenes))}", rng.choice(effects).format(
                s=rng.choice(scenes)), "~ else", "Nothing.", "~ end"]
        if rng.random() < 0.3:
            lines.append(rng.choice(effects).format(s=rng.choice(scenes)))
        # a call from a line of the body, then more of the scene after it, which the play resumes at when the
        # tunnel returns (a place inside the scene, on the stack). It calls a later scene: a body that calls
        # itself again before any choice recurses with no decision between (every dice outcome of a hundred
        # nested arrivals, for the search and the oracle alike); choices still call anything
        for k in range(rng.choice([0, 1, 1, 2]) if body_calls and i + 1 < n else 0):
            lines.append(f"-> {rng.choice(scenes[i + 1:])} ->")
            lines.append(f"Back {k} in {sid}, visits {{visits({sid})}}." + (" " + rng.choice(alternatives)
                                                                             if rng.random() < 0.3 else ""))
            if rng.random() < 0.4:
                lines.append(rng.choice(effects).format(s=rng.choice(scenes)))
        nxt = scenes[i + 1] if i + 1 < n else "good"
        lines.append(f"* (c{i}) canon [Onward] -> {nxt}")
        if rng.random() < 0.5:
            lines.append(f"  ? {rng.choice(conds).format(s=rng.choice(scenes))}")
        for j in range(rng.randint(1, 3)):
            mark = rng.choice("*+")
            target = rng.choice(scenes + ["good", "bad"])
            if tunnels and rng.random() < 0.6:  # a call (of any scene, itself too) or a return, open or not
                target = rng.choice([f"{rng.choice(scenes)} -> {target}", "return"])
            alt = " " + rng.choice(alternatives) if rng.random() < 0.2 else ""
            lines.append(f"{mark} (x{j}) [Option {j}{alt}] -> {target}")
            if rng.random() < 0.6:
                lines.append(f"  ? {rng.choice(conds).format(s=rng.choice(scenes))}")
            if rng.random() < 0.5:
                lines.append("  " + rng.choice(effects).format(s=rng.choice(scenes)))
        if rng.random() < 0.3:
            lines.append(f"* fallback -> {rng.choice(scenes[i + 1:] + ['bad'])}")
    lines += ["=== ending good (canon): Good", "Good.", "=== ending bad (death): Bad", "Bad."]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("tunnels,body_calls,seed", [(False, False, n) for n in range(60)]
                         + [(True, False, n) for n in range(40)] + [(True, True, n) for n in range(60)])
def test_smaller_keys_find_exactly_what_full_keys_find(tmp_path, tunnels, body_calls, seed):
    rng = random.Random(seed)
    path = tmp_path / "prop.ifs"
    path.write_text(_random_story(rng, tunnels, body_calls), encoding="utf-8")
    loaded = load(path)
    # the canon marks of a random story may not survive its conditions (IFS150), nor its returns find a
    # call open (IFS181-IFS183: then play faults, which the search must find too); the explorer plays any
    # story that assembles, so only that is required here
    assert loaded.story is not None
    allowed = {"IFS150", "IFS181", "IFS182", "IFS183"}
    assert not [d for d in loaded.diagnostics if d.is_error and d.code not in allowed], loaded.diagnostics
    story = loaded.story
    depth = 6
    assert_search_matches_oracle(story, depth)


def test_a_tunnel_entered_again_only_through_its_returns_keeps_its_used_choices():
    """`t` lies on no cycle of plain choices: it is entered a second time only because its return leads to a
    scene that calls it again. Whether the first call used its once-only choice must still tell the two
    arrivals in `b` apart (used, the second call falls back to `bad`)."""
    from ifengine import load_text

    story = load_text("@story t\n@title T\n@role R: a test.\n@start a\n=== a: A\n* canon [Go] -> t -> b\n"
                      "* [Walk] -> b\n=== t: T\n* (first) canon [First] -> return\n* fallback -> bad\n"
                      "=== b: B\n* canon [Again] -> t -> good\n"
                      "=== ending good (canon): Good\n=== ending bad (death): Bad\n").story
    assert_search_matches_oracle(story, 8)
    assert _oracle(story, 8)["endings"] == {"good", "bad"}


def test_the_calls_open_tell_states_apart():
    """Two arrivals in `t` alike in all but the call open: each return goes somewhere else."""
    from ifengine import load_text

    story = load_text("@story t\n@title T\n@role R: a test.\n@start a\n=== a: A\n* canon [One] -> t -> good\n"
                      "* [Two] -> t -> bad\n=== t: T\n+ canon continue -> return\n"
                      "=== ending good (canon): Good\n=== ending bad (death): Bad\n").story
    assert set(explore_exhaustive(story).endings) == set(_oracle(story, 8)["endings"]) == {"good", "bad"}


# ---- random -----------------------------------------------------------------------------------------


def test_random_showcase_reports_coverage_endings_and_run_lengths(capsys):
    code, data = run_json(capsys, str(SHOWCASE), "--runs", "300", "--seed", "5")
    assert code == 0
    assert data["mode"] == "random" and data["runs"] == 300
    assert data["scenes_reached"] == data["scenes_total"]
    counts = {e["id"]: e["count"] for e in data["endings"]}
    assert sum(counts.values()) == 300 and all(counts.values())
    assert data["shortest"]["length"] <= data["longest"]["length"]
    assert data["seed"] == 5


def test_random_runs_are_reproducible_and_jobs_do_not_change_results(capsys):
    _, one = run_json(capsys, MAZE, "--runs", "120", "--seed", "3")
    _, again = run_json(capsys, MAZE, "--runs", "120", "--seed", "3")
    _, jobs = run_json(capsys, MAZE, "--runs", "120", "--seed", "3", "--jobs", "3")
    for d in (one, again, jobs):
        d.pop("seconds")
    assert one == again == jobs
    _, other = run_json(capsys, MAZE, "--runs", "120", "--seed", "4")
    other.pop("seconds")
    assert other != one


def test_random_error_path_reproduces_with_its_seed(capsys):
    code, data = run_json(capsys, TROUBLE, "--runs", "200")
    assert code == 1
    [err] = data["errors"]
    story = load_story(TROUBLE)
    s = Session(story, err["seed"])
    for cid in err["path"][:-1]:
        s.choose(cid)
    with pytest.raises(Exception, match="division by zero"):
        s.choose(err["path"][-1])
    assert [d["scene"] for d in data["dead_ends"]] == ["loft"]


def test_capped_runs_are_reported(tmp_path, capsys):
    # half the runs wander into a waiting room that only a sticky "wait" leads out of, forever
    (tmp_path / "loop.ifs").write_text(
        "@story loop\n@title Loop\n@role R: r.\n@start door\n"
        "=== door: The Door\n* canon [Walk past] -> out\n* [Go in] -> wait\n"
        "=== wait: Waiting\n+ [Wait] -> wait\n* [Leave] -> out\n  ? visits(wait) > 100000\n"
        "=== ending out (canon): Out\nDone.\n", encoding="utf-8")
    code, data = run_json(capsys, str(tmp_path), "--runs", "20", "--max-steps", "50")
    assert code == 0  # a loop the player can always keep choosing is not a dead end
    assert 0 < len(data["capped"]) < 20 and set(data["capped"]) <= set(range(20))
    assert data["endings"][0]["count"] + len(data["capped"]) == 20
    assert data["longest"]["length"] == 1  # capped runs are not playthroughs that finished
    assert main(["explore", str(tmp_path), "--runs", "20", "--max-steps", "50"]) == 0
    assert f"capped: {len(data['capped'])} playthrough(s) reached 50 choices" in capsys.readouterr().out


def test_save_runs_writes_replayable_run_files(tmp_path, capsys):
    runs = tmp_path / "runs"
    assert main(["explore", TROUBLE, "--exhaustive", "--save-runs", str(runs)]) == 1
    assert "wrote 3 run file(s)" in capsys.readouterr().err
    names = sorted(p.name for p in runs.iterdir())
    assert names == ["dead-end-loft.toml", "error-1.toml", "flood-gone.toml"]
    assert main(["replay", str(runs / "flood-gone.toml"), "--story", TROUBLE]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["replay", str(runs / "error-1.toml"), "--story", TROUBLE]) == 1
    out = capsys.readouterr().out  # the fault is that run's FAIL line; further runs would still be checked
    assert out.startswith("FAIL ") and "division by zero" in out and "resumed there" in out
    # an existing (pinned) run is never replaced
    (runs / "flood-gone.toml").write_text("# mine\n", encoding="utf-8")
    main(["explore", TROUBLE, "--exhaustive", "--save-runs", str(runs)])
    assert "kept 3 that already existed" in capsys.readouterr().err
    assert (runs / "flood-gone.toml").read_text(encoding="utf-8") == "# mine\n"


def test_save_runs_to_an_unwritable_place_is_a_clean_failure(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert main(["explore", str(SHOWCASE), "--exhaustive", "--save-runs", str(blocker / "runs")]) == 1
    err = capsys.readouterr().err
    assert "cannot write run files" in err and "Traceback" not in err


def test_save_runs_pins_every_ending_of_the_showcase(tmp_path, capsys):
    runs = tmp_path / "runs"
    assert main(["explore", str(SHOWCASE), "--exhaustive", "--save-runs", str(runs)]) == 0
    files = sorted(runs.glob("*.toml"))
    assert [p.stem for p in files] == ["coastguard", "the-light-holds", "the-rope-holds", "the-sea-keeps"]
    capsys.readouterr()
    assert main(["replay", *map(str, files), "--story", str(SHOWCASE)]) == 0
    assert capsys.readouterr().out.count("ok ") == 4


# ---- bad input --------------------------------------------------------------------------------------


def test_story_with_errors_prints_diagnostics_and_exits_1(capsys):
    assert main(["explore", BROKEN]) == 1
    err = capsys.readouterr().err
    assert "broken.ifs:7:11" in err and "nowhere" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--jobs", "0"], ["--max-states", "-1"], ["--runs", "x"]])
def test_bad_usage_exits_2(capsys, argv):
    try:
        code = main(["explore", str(SHOWCASE), *argv])
    except SystemExit as e:  # argparse's own errors
        code = e.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_missing_story_exits_2(capsys):
    assert main(["explore", "no/such/story"]) == 2
    assert "no story found" in capsys.readouterr().err


# ---- play from here ---------------------------------------------------------------------------------


def test_shortest_path_to_scenes_of_the_showcase():
    story = load_story(SHOWCASE)
    assert shortest_path(story, "cottage") == []
    assert shortest_path(story, "shed") == ["cottage.fetch-what-you-can-from-the-shed"]
    assert shortest_path(story, "lamp-room") == ["cottage.climb", "tower-stair.climb-on"]
    assert shortest_path(story, "no-such-scene") is None
    # the wreck is entered only by the bridge's fallback: the path passes through it
    path = shortest_path(story, "wreck")
    s = Session(story, 0)
    for cid in path:
        s.choose(cid)
    assert s.scene_id == "wreck" or "wreck" in {v.scene_id for v in s.view().passed}


def test_shortest_path_works_with_the_seed_it_is_given():
    story = load_story(DICE)
    for seed in range(6):
        path = shortest_path(story, "vault", seed=seed)
        assert path is not None and path[-1] == "table.win"
        s = Session(story, seed)
        for cid in path:
            s.choose(cid)
        assert s.scene_id == "vault"


def test_shortest_path_none_for_unreachable_scene():
    story = load_story(TROUBLE)
    assert shortest_path(story, "cellar") is None
    assert shortest_path(story, "loft") == ["mill.loft"]


def test_play_at_starts_in_the_scene(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["play", str(SHOWCASE), "--plain", "--at", "lamp-room"]) == 0
    out = capsys.readouterr().out
    assert "started at 'lamp-room'" in out and "cottage.climb -> tower-stair.climb-on" in out
    assert "== The Lamp Room ==" in out


def test_play_at_unreachable_scene_is_a_usage_error(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["play", TROUBLE, "--plain", "--at", "cellar"]) == 2
    assert "no path of choices reaches scene 'cellar'" in capsys.readouterr().err


@pytest.mark.parametrize("mode", [[], ["--exhaustive"]])
def test_a_scene_that_faults_on_entry_is_reported_as_faulted_not_never_reached(tmp_path, capsys, mode):
    """Issue 15, point 17: a scene whose entry always faults was listed among "scenes never reached"; it is
    reported as faulted, with the path that enters it."""
    from ifengine.cli import main

    (tmp_path / "s.ifs").write_text(
        "@story faulty\n@title Faulty\n@role Ana: A tester.\n@start a\n@flag n: int = 0\n"
        "=== a: A\nHello.\n* canon [Safe] -> e\n* [Divide] -> b\n"
        "=== b: B\n{10 / n} parts.\n* continue -> e\n"
        "=== ending e (canon): E\nBye.\n", encoding="utf-8")
    assert main(["explore", str(tmp_path), "--runs", "20", *mode]) == 1
    out = capsys.readouterr().out
    assert "scenes never reached" not in out
    assert [line for line in out.splitlines() if "faulted" in line] == [
        f"  scene b faulted when entered (see ERRORS), by: a.divide  (seed {0 if mode else 3})"]
