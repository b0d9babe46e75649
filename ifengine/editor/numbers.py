"""The figures an author reads beside the sizes (`ifengine stats`): real decisions against "continue"
presses, words per playthrough, an estimate of play time, and the longest stretch without a decision.
They come from playing the roads (`reading`), so they count what a reader meets, not what the files hold.
"""
from __future__ import annotations

from statistics import median

from ..model import Story
from .reading import Reading
from .roads import longest_stretch

WORDS_A_MINUTE = 200
SECONDS_A_DECISION = 10
PLAY_TIME_MODEL = f"{WORDS_A_MINUTE} words a minute, plus {SECONDS_A_DECISION} seconds a real decision"


def minutes(words: int, decisions: int) -> float:
    return round(words / WORDS_A_MINUTE + decisions * SECONDS_A_DECISION / 60, 1)


def reading_figures(story: Story, reading: Reading | None = None) -> dict[str, object]:
    """The new `stats` keys (every old key is untouched)."""
    reading = reading or Reading(story)
    scenes = [s for s in story.scenes.values() if not s.is_ending]
    deciding = sum(1 for s in scenes if any(reading.options.decides(p.choices) for p in s.parts))
    roads = reading.ending_roads
    words = sorted(r.words for r in roads)
    times = sorted(minutes(r.words, r.decisions) for r in roads)
    canon = reading.canon
    stretch = longest_stretch(reading.roads)

    def spread(values: list, places: int | None) -> dict[str, object] | None:
        """Least, median and most; the median of an even count falls between two values, so it is rounded
        as the values are (whole words, tenths of a minute), never printed as 30.299999999999997."""
        if not values:
            return None
        return {"min": values[0], "median": round(median(values), places), "max": values[-1]}
    return {
        "decision_scenes": deciding,
        "continue_scenes": len(scenes) - deciding,
        "canon_decisions": canon.decisions if canon else None,
        "canon_continues": canon.presses if canon else None,
        "playthroughs": len(roads),
        "playthrough_words": spread(words, None),
        "play_minutes": spread(times, 1),
        "play_time_model": PLAY_TIME_MODEL,
        "longest_stretch": {"scenes": list(stretch.scenes), "length": len(stretch.scenes), "road": stretch.road,
                            "words": stretch.words} if stretch else None,
        "search_complete": reading.report.complete,
    }
