"""How the search runs, grouped by the stage each option tunes. Defaults are what the
benchmarks picked (figures in solver/README.md); callers normally pass none of this.

The search has three stages: OR-Tools finds a first solution and improves it with a
metaheuristic (``first``), our ruin-and-recreate loop in ``lns.py`` takes most of the time
(``ruin_recreate``), and OR-Tools polishes the best routes at the end (``polish``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace


@dataclass(frozen=True)
class FirstSearch:
    """OR-Tools' first solution and metaheuristic (the first ~10 % of the time).

    ``first_solution``: a first-solution strategy name. ``metaheuristic``:
    ``"GUIDED_LOCAL_SEARCH"``, ``"SIMULATED_ANNEALING"``, ``"TABU_SEARCH"`` or
    ``"GREEDY_DESCENT"``. ``extra_operators`` / ``disabled_operators``: field names of
    OR-Tools' ``local_search_operators`` to switch on / off (e.g. ``use_cross_exchange``).
    ``neighbors_ratio``, ``min_neighbors``, ``bandit``: the OR-Tools search parameters of
    those names.
    """

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.2
    extra_operators: tuple[str, ...] = ()
    disabled_operators: tuple[str, ...] = ()
    neighbors_ratio: float = 1.0
    min_neighbors: int = 1
    bandit: bool = False
    log_search: bool = False


@dataclass(frozen=True)
class Ruin:
    """What one step removes: strings of consecutive parts from runs near a random part
    (``avg_removed`` parts on average, strings up to ``max_string``), a whole run with
    probability ``route_removal``, and a run handed to another kind of vehicle with
    probability ``vehicle_swap`` (parts it cannot take go back in)."""

    avg_removed: int = 15
    max_string: int = 10
    route_removal: float = 0.05
    vehicle_swap: float = 0.05


@dataclass(frozen=True)
class Annealing:
    """Simulated-annealing acceptance: the temperature falls geometrically from ``start``
    to ``end`` times the mean arc of the start solution."""

    start: float = 1.0
    end: float = 0.01


@dataclass(frozen=True)
class SoftMode:
    """Late arrivals (time warp) and overloads allowed at an adaptive price (``enabled``)
    on models of at most ``max_vehicles`` vehicles (a county outlet, Solomon's 25);
    ``clean_drops``: a part dropped before the step comes back only without violations."""

    enabled: bool = True
    max_vehicles: int = 60
    clean_drops: bool = True


@dataclass(frozen=True)
class RuinRecreate:
    """Our loop (``lns.py``). ``share``: its part of the time (0 switches it off).
    ``steps_per_solution``: steps per unit of a ``MaxSolutions`` limit. ``blink``: the
    probability of skipping a place during the cheapest insertion. ``granular_min_parts``:
    above this many parts, a part is tried only next to its nearest parts (granular
    insertion) instead of at every place."""

    share: float = 0.9
    steps_per_solution: int = 4
    blink: float = 0.01
    granular_min_parts: int = 400
    ruin: Ruin = field(default_factory=Ruin)
    annealing: Annealing = field(default_factory=Annealing)
    soft: SoftMode = field(default_factory=SoftMode)


@dataclass(frozen=True)
class Polish:
    """OR-Tools on our best routes at the end: ``metaheuristic`` for ``share`` of the time,
    LNS sub-searches cut at ``lns_ms``; then the eject-and-fill polish."""

    metaheuristic: str = "GREEDY_DESCENT"
    share: float = 0.02
    lns_ms: int = 100


@dataclass(frozen=True)
class SearchOptions:
    """All of the search's options, one group per stage."""

    first: FirstSearch = field(default_factory=FirstSearch)
    ruin_recreate: RuinRecreate = field(default_factory=RuinRecreate)
    polish: Polish = field(default_factory=Polish)

    def with_value(self, dotted: str, text: str) -> SearchOptions:
        """A copy with one option set from text, e.g. ``("ruin_recreate.ruin.max_string",
        "20")``: for tuning from the command line."""
        return _with_value(self, dotted.split("."), text)


def _with_value(group, path: list[str], text: str):
    name, rest = path[0], path[1:]
    if not is_dataclass(group) or name not in {f.name for f in fields(group)}:
        raise ValueError(f"no search option {name!r} in {type(group).__name__}")
    current = getattr(group, name)
    if rest:
        return replace(group, **{name: _with_value(current, rest, text)})
    if is_dataclass(current):
        raise ValueError(f"{name!r} is a group of options; name one of its fields")
    if isinstance(current, tuple):
        value: object = tuple(v for v in text.split(",") if v)
    elif isinstance(current, bool):
        value = text.lower() in ("1", "true", "yes")
    else:
        value = type(current)(text)
    return replace(group, **{name: value})
