"""Synthetic stories for benchmarks: `generate_story(n_scenes, seed)` gives the text of one valid
`.ifs` file with exactly `n_scenes` scenes (endings included).

The shape follows a real story: a header with flags of all three types, and scenes of about three
prose lines (a `{flag}` interpolation, an inline `{if}`, now and then an `{expr}`), a few entry
effects and a conditional paragraph, and three choices each: a canon choice to the next scene, a
once-only branch further ahead (with conditions and effects on some) and a sticky choice that waits
in place (sometimes disabled with a reason). The canon path runs through every scene in order to the
one canon ending, so every scene is reachable, every flag is read and the checker reports nothing.

Book-sized stories: `words_per_scene` pads each scene with plain prose paragraphs up to about that
many words (200 a scene makes 5,000 scenes about a million words, the size of the longest published
ChoiceScript games), and `generate_files` spreads a story over several files, as a writer splits a
long story, for the per-file parse cache to work on.

Deterministic: the same arguments always give the same text (and the default shape is the one the
figures in the README were measured on).

    import sys; sys.path.insert(0, "bench")
    from synth import generate_story, write_story
    text = generate_story(1000)
    write_story(folder, 5000, files=50, words_per_scene=200)

    python bench/synth.py 8                                   # print a small sample
    python bench/synth.py 5000 --files 50 --words 200 --out DIR  # write a story folder
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

N_INT = 12
N_BOOL = 8
N_STR = 2
N_ENDINGS = 3  # one canon, one alternate, one death

WORDS = (
    "the fog rolls over grey water and the lamp turns slowly above the rocks while somebody "
    "counts the hours aloud a door bangs in the wind the stair is cold under bare feet "
    "there is salt on the glass and oil on your hands the horn sounds again far to the south "
    "nobody answers the radio hums the gulls have gone quiet the tide is turning"
).split()

INT_FLAGS = [f"count_{i}" for i in range(N_INT)]
BOOL_FLAGS = [f"seen_{i}" for i in range(N_BOOL)]
STR_FLAGS = [f"name_{i}" for i in range(N_STR)]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _sentence(rng: random.Random, n: int) -> str:
    s = _words(rng, n)
    return s[0].upper() + s[1:]


def _scene_id(i: int) -> str:
    return f"scene-{i}"


def _header(n_scenes: int) -> list[str]:
    out = [
        f"// A synthetic story of {n_scenes} scenes for benchmarks (bench/synth.py).",
        f"@story synth-{n_scenes}",
        f"@title A Synthetic Night ({n_scenes} scenes)",
        "@role The Keeper: someone who keeps a light on a rock, many times over.",
        "@blurb Generated, not written.",
        f"@start {_scene_id(0)}",
        "",
    ]
    for i, name in enumerate(INT_FLAGS):
        label = f' "Count {i}"' if i % 3 == 0 else ""
        rng = " 0..99" if i % 2 == 0 else ""
        out.append(f"@flag {name}: int{rng} = {i % 5}{label}")
    for i, name in enumerate(BOOL_FLAGS):
        out.append(f"@flag {name}: bool = {'true' if i % 2 else 'false'}")
    for i, name in enumerate(STR_FLAGS):
        out.append(f'@flag {name}: str = "Keeper {i}"')
    out.append("")
    return out


def _padding(rng: random.Random, words: int) -> list[str]:
    """Plain paragraphs of about `words` words, a blank line before each: the bulk of a long story."""
    out: list[str] = []
    while words > 0:
        n = min(words, rng.randint(24, 40))
        out += ["", f"{_sentence(rng, n)}."]
        words -= n
    return out


def _scene(rng: random.Random, i: int, n_plain: int, ending_ids: list[str],
           words_per_scene: int | None = None) -> list[str]:
    sid = _scene_id(i)
    ia, ib = rng.choice(INT_FLAGS), rng.choice(INT_FLAGS)
    ba, bb = rng.choice(BOOL_FLAGS), rng.choice(BOOL_FLAGS)
    # Cycle through every flag so the checker sees each one read.
    cyc_int = INT_FLAGS[i % N_INT]
    cyc_bool = BOOL_FLAGS[i % N_BOOL]
    cyc_str = STR_FLAGS[i % N_STR]
    out = [f"=== {sid}: {_sentence(rng, 3).rstrip('.')} {i}"]
    r = rng.random()
    if r < 0.3:
        out.append(f"~ {ia} += {rng.randint(1, 3)}")
    elif r < 0.45:
        out.append(f"~ toggle {ba}")
    elif r < 0.55:
        out.append(f"~ {ia} -= 1")
    out.append(f"{_sentence(rng, 6)}, {{{cyc_str}}} sees {{{cyc_int}}} of them, {_words(rng, 4)}.")
    out.append(f"{_sentence(rng, 5)} {{if {cyc_bool}: {_words(rng, 4)} | {_words(rng, 3)}}}, {_words(rng, 5)}.")
    if rng.random() < 0.3:
        out.append(f"{_sentence(rng, 4)} {{{ia} * 2 + {ib}}} {_words(rng, 6)} {{{cyc_str}}}.")
    else:
        out.append(f"{_sentence(rng, 9)}.")
    if rng.random() < 0.15:
        out += [f"~ if {ia} > {rng.randint(1, 6)} and not {bb}", f"{_sentence(rng, 8)}.",
                "~ else", f"{_sentence(rng, 7)}.", "~ end"]
    if words_per_scene is not None:
        out += _padding(rng, words_per_scene - sum(len(line.split()) for line in out) - 20)  # 20: the choices

    # Targets: the canon choice goes on to the next scene; the branch jumps ahead or ends the story.
    nxt = _scene_id(i + 1) if i + 1 < n_plain else ending_ids[0]
    if i >= n_plain - 2:  # the last two scenes make sure both other endings are reachable
        jump = ending_ids[1 + (n_plain - 1 - i)]
    elif rng.random() < 0.9:
        jump = _scene_id(rng.randint(i + 2, min(n_plain - 1, i + 6)))
    else:
        jump = rng.choice(ending_ids[1:])
    out.append(f"* canon [{_sentence(rng, 4)}] -> {nxt}")
    if rng.random() < 0.5:
        out.append(f"  ~ {ib} += 1")
    out.append(f"* [{_sentence(rng, 5)}] -> {jump}")
    r = rng.random()
    if r < 0.4:
        out.append(f"  ? {ia} >= {rng.randint(1, 5)} or {ba}")
    elif r < 0.6:
        out.append(f"  ? {bb} else \"{_sentence(rng, 4)}.\"")
        out.append(f"  ? visits({sid}) < 3")
    if rng.random() < 0.4:
        out.append(f"  ~ {bb} = true")
    out.append(f"+ (wait) [{_sentence(rng, 3)}] -> {sid}")
    if rng.random() < 0.3:
        out.append(f"  ? {ib} < 50 else \"{_sentence(rng, 3)}.\"")
    out.append("")
    return out


def _endings(rng: random.Random, ending_ids: list[str]) -> list[str]:
    out = []
    for eid, kind in zip(ending_ids, ("canon", "alternate", "death")):
        out += [f"=== ending {eid} ({kind}): {_sentence(rng, 3)}",
                f"{_sentence(rng, 8)} {{{INT_FLAGS[0]}}} {_words(rng, 4)}.",
                f"{_sentence(rng, 10)}.", ""]
    # The canon ending tallies every flag, so even a tiny story reads them all.
    tally = " ".join([f"{{{f}}}" for f in INT_FLAGS + STR_FLAGS] + [f"{{if {f}: yes | no}}" for f in BOOL_FLAGS])
    out.insert(2, f"Tally: {tally}.")
    return out


def _lines(n_scenes: int, seed: int, words_per_scene: int | None) -> tuple[list[str], list[list[str]]]:
    """The header's lines and each scene's lines (the endings last), in story order."""
    if n_scenes < N_ENDINGS + 1:
        raise ValueError(f"a synthetic story needs at least {N_ENDINGS + 1} scenes")
    rng = random.Random(seed)
    n_plain = n_scenes - N_ENDINGS
    ending_ids = ["ending-canon", "ending-alternate", "ending-death"]
    scenes = [_scene(rng, i, n_plain, ending_ids, words_per_scene) for i in range(n_plain)]
    return _header(n_scenes), scenes + [_endings(rng, ending_ids)]


def generate_story(n_scenes: int, seed: int = 0, words_per_scene: int | None = None) -> str:
    """The text of one `.ifs` file holding a valid story of exactly `n_scenes` scenes (3 of them endings);
    with `words_per_scene`, each scene padded with prose to about that many words."""
    header, scenes = _lines(n_scenes, seed, words_per_scene)
    return "\n".join(header + [line for scene in scenes for line in scene])


def generate_files(n_scenes: int, files: int, seed: int = 0,
                   words_per_scene: int | None = None) -> dict[str, str]:
    """The same story spread over `files` scripts (`part-01.ifs`...: the first holds the header), the
    scenes in order and about as many in each; choices cross from file to file."""
    header, scenes = _lines(n_scenes, seed, words_per_scene)
    files = max(1, min(files, len(scenes)))
    out: dict[str, str] = {}
    width = len(str(files))
    for k in range(files):
        part = scenes[k * len(scenes) // files:(k + 1) * len(scenes) // files]
        lines = (header if k == 0 else [f"// Part {k + 1} of {files}.", ""]) + [x for scene in part for x in scene]
        out[f"part-{k + 1:0{width}d}.ifs"] = "\n".join(lines) + "\n"
    return out


def write_story(folder: Path, n_scenes: int, files: int = 1, seed: int = 0,
                words_per_scene: int | None = None) -> dict[str, Path]:
    """Write the story's files into `folder` (created if needed); returns each file's path by name."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, text in generate_files(n_scenes, files, seed, words_per_scene).items():
        (folder / name).write_text(text, encoding="utf-8")
        written[name] = folder / name
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Print or write a synthetic story.")
    ap.add_argument("scenes", type=int, nargs="?", default=8)
    ap.add_argument("--files", type=int, default=1, help="spread the story over this many files")
    ap.add_argument("--words", type=int, default=None, help="pad each scene to about this many words")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="write the files into this folder instead of printing")
    args = ap.parse_args(argv)
    if args.out is None:
        for text in generate_files(args.scenes, args.files, args.seed, args.words).values():
            print(text, end="")
        return 0
    written = write_story(args.out, args.scenes, args.files, args.seed, args.words)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in written.values())
    print(f"wrote {len(written)} files, {args.scenes:,} scenes, {words:,} words to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
