"""Exploring a story by playing it: seeded random playthroughs, and an exhaustive breadth-first search over
distinct engine states that proves which scenes and endings can be reached and finds dead ends and errors.

Both drive the ordinary `Session` (with `render=False`), so what they find is what a player would meet.
The modules, each with one job: `abstraction` (which parts of a state matter: the search key), `dice`
(enumerated random outcomes), `random_runs`, `search` (breadth-first, and `shortest_path`), `report`
(results, printing, the progress bar), `runs` (run files from findings), `limits`.
"""
from __future__ import annotations

from .abstraction import Relevance, gating_flags, make_key, relevance
from .dice import ScriptedDice
from .limits import MAX_STATES, MAX_STEPS, SEED_SEARCH
from .random_runs import explore_random, random_playthrough
from .report import Finding, Report, format_report, progress_bar
from .runs import save_runs
from .search import Route, RouteSearch, each_transition, explore_exhaustive, find_route, shortest_path

__all__ = ["MAX_STATES", "MAX_STEPS", "SEED_SEARCH", "Finding", "Relevance", "Report", "Route", "RouteSearch",
           "ScriptedDice", "each_transition", "explore_exhaustive", "explore_random", "find_route", "format_report",
           "gating_flags", "make_key", "progress_bar", "random_playthrough", "relevance", "save_runs",
           "shortest_path"]
