"""The one benchmark report: every scenario of `make bench` records its figures here, and the
run ends by writing var/bench/report.md and var/bench/report.json and printing the table.

A scenario is one piece of work measured as ours and as one or more baselines in the same run
(alternated, repeated): our figure, each baseline's, the ratio to the baseline its goal names,
the goal (a ratio: at most for times, at least for rates), met or missed, the runs with their
spread (min / median / max), the peak memory, the data size. A scenario that cannot run is
recorded as skipped, with the reason. Benchmarks run some measurements in child processes
(their own peak memory, another database): children append to the same results file, and
only the process that started the run (BENCH_REPORT_OWNER) writes the report.

    from tests.benchmarks.report import Goal, record, skip
    record("order list", "first page", orders=1_000_000, database="SQLite", unit="ms",
           ours=[...runs...], baselines={"bare SQL": [...runs...]},
           goal=Goal("bare SQL", at_most=1.5), peak_mb=91.0)
"""

import json
import os
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = BASE_DIR / "var" / "bench"
RESULTS = BENCH_DIR / "results.jsonl"
REPORT_MD = BENCH_DIR / "report.md"
REPORT_JSON = BENCH_DIR / "report.json"
OWNER = "BENCH_REPORT_OWNER"
# Units whose figures are better lower (times, sizes); the others (rates) better higher.
LOWER_IS_BETTER = {"ms", "s", "MB"}


@dataclass(frozen=True)
class Goal:
    """Ours against `baseline`: a ratio of at most `at_most` (times) or at least `at_least`
    (rates). Without a baseline, a limit on our figure itself, in its unit (an issue's
    "under 150 ms")."""

    baseline: str = ""
    at_most: float | None = None
    at_least: float | None = None

    def met(self, ratio: float) -> bool:
        if self.at_most is not None and ratio > self.at_most:
            return False
        return not (self.at_least is not None and ratio < self.at_least)

    def __str__(self) -> str:
        times = f"× {self.baseline}" if self.baseline else ""
        if self.at_most is not None:
            return f"≤ {self.at_most:g}{times}"
        return f"≥ {self.at_least:g}{times}"


@dataclass
class Figure:
    """The runs of one measurement; the figure is their median."""

    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def spread(self) -> dict:
        return {"min": min(self.runs), "median": self.median, "max": max(self.runs)}


@dataclass
class Scenario:
    group: str
    name: str
    unit: str
    orders: int | None = None
    database: str = ""
    ours: list[float] = field(default_factory=list)
    baselines: dict[str, list[float]] = field(default_factory=dict)
    goal: dict | None = None
    peak_mb: float | None = None
    note: str = ""
    skipped: str = ""

    @property
    def key(self) -> str:
        size = f" @ {self.orders:,}" if self.orders else ""
        database = f" ({self.database})" if self.database else ""
        return f"{self.group}: {self.name}{size}{database}"

    def ratio(self, baseline: str) -> float | None:
        if not self.ours or not self.baselines.get(baseline):
            return None
        base = Figure(self.baselines[baseline]).median
        return Figure(self.ours).median / base if base else None

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "skipped"
        if not self.goal:
            return ""
        goal = Goal(**self.goal)
        ratio = self.ratio(goal.baseline) if goal.baseline else Figure(self.ours).median
        if ratio is None:
            return "missed"
        return "met" if goal.met(ratio) else "missed"


def _runs(value) -> list[float]:
    if isinstance(value, int | float):
        return [float(value)]
    return [float(run) for run in value]


def record(
    group: str,
    name: str,
    *,
    unit: str,
    ours,
    baselines: dict | None = None,
    goal: Goal | None = None,
    orders: int | None = None,
    database: str = "",
    peak_mb: float | None = None,
    note: str = "",
) -> Scenario:
    """Add one scenario to the run's results: `ours` and each baseline are a figure or the
    list of its runs (the report shows their median and spread)."""
    scenario = Scenario(
        group=group,
        name=name,
        unit=unit,
        orders=orders,
        database=database,
        ours=_runs(ours),
        baselines={label: _runs(runs) for label, runs in (baselines or {}).items()},
        goal=asdict(goal) if goal else None,
        peak_mb=peak_mb,
        note=note,
    )
    _append(scenario)
    return scenario


def skip(group: str, name: str, *, reason: str, orders: int | None = None, database: str = ""):
    """A scenario that could not run, and why: the report says so."""
    scenario = Scenario(
        group=group, name=name, unit="", orders=orders, database=database, skipped=reason
    )
    _append(scenario)
    return scenario


def _append(scenario: Scenario) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(json.dumps(asdict(scenario)) + "\n")


def results() -> list[Scenario]:
    if not RESULTS.exists():
        return []
    scenarios = {}
    for line in RESULTS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            scenario = Scenario(**json.loads(line))
            scenarios[scenario.key] = scenario  # a scenario measured again: the last run
    return list(scenarios.values())


def start() -> bool:
    """At the start of `make bench`: this process owns the report (children only append)."""
    if os.environ.get(OWNER):
        return False
    os.environ[OWNER] = str(os.getpid())
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS.unlink(missing_ok=True)
    return True


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def _spread(runs: list[float]) -> str:
    if len(runs) < 2:
        return "1 run"
    figure = Figure(runs)
    return f"{len(runs)} runs, {_number(min(runs))}–{_number(figure.median)}–{_number(max(runs))}"


TOLERANCE = 1.1  # what measurement noise may add before a growth is flagged


def _cost_growth(small: float, large: float, unit: str) -> float:
    """How much a figure's cost grew from one size to the next: a time grew by its own ratio
    (compared with the data's growth); a rate is per order, so its cost per order grew by
    the rate's fall (compared with 1: flat)."""
    if unit in LOWER_IS_BETTER:
        return large / small if small else 0.0
    return 0.0 if not large else small / large


def growth(scenarios: list[Scenario]) -> list[dict]:
    """Each scenario measured at several sizes: its figure per size, and whether its cost grew
    faster than the data between two sizes (a rate that fell, or a time that rose, more than
    the number of orders did)."""
    by_name: dict[tuple, dict[int, Scenario]] = {}
    for scenario in scenarios:
        if scenario.orders and scenario.ours and not scenario.skipped:
            key = (scenario.group, scenario.name, scenario.database, scenario.unit)
            by_name.setdefault(key, {})[scenario.orders] = scenario
    rows = []
    for (group, name, database, unit), sized in sorted(by_name.items()):
        if len(sized) < 2:
            continue
        sizes = sorted(sized)
        figures = {size: Figure(sized[size].ours).median for size in sizes}
        faster = any(
            _cost_growth(figures[small], figures[large], unit)
            > (large / small if unit in LOWER_IS_BETTER else 1.0) * TOLERANCE
            for small, large in zip(sizes, sizes[1:], strict=False)
        )
        rows.append(
            {
                "group": group,
                "name": name,
                "database": database,
                "unit": unit,
                "figures": {str(size): figures[size] for size in sizes},
                "faster_than_data": faster,
            }
        )
    return rows


def write(machine: dict) -> tuple[str, bool]:
    """Write report.md and report.json from the run's results; the Markdown table and whether
    every goal was met."""
    scenarios = results()
    rows = []
    for scenario in scenarios:
        row = {
            "scenario": scenario.key,
            "group": scenario.group,
            "name": scenario.name,
            "orders": scenario.orders,
            "database": scenario.database,
            "unit": scenario.unit,
            "ours": Figure(scenario.ours).spread() if scenario.ours else None,
            "ours_runs": scenario.ours,
            "baselines": {
                label: {**Figure(runs).spread(), "runs": runs}
                for label, runs in scenario.baselines.items()
                if runs
            },
            "ratios": {label: scenario.ratio(label) for label in scenario.baselines},
            "goal": _goal_label(scenario),
            "verdict": scenario.verdict,
            "peak_mb": scenario.peak_mb,
            "note": scenario.note,
            "skipped": scenario.skipped,
        }
        rows.append(row)
    grown = growth(scenarios)
    all_met = all(row["verdict"] != "missed" for row in rows)
    REPORT_JSON.write_text(
        json.dumps(
            {"machine": machine, "scenarios": rows, "growth": grown, "all_goals_met": all_met},
            indent=2,
        ),
        encoding="utf-8",
    )
    table = markdown(scenarios, grown, machine)
    REPORT_MD.write_text(table, encoding="utf-8")
    return table, all_met


def _goal_label(scenario: Scenario) -> str:
    if not scenario.goal:
        return ""
    goal = Goal(**scenario.goal)
    return str(goal) if goal.baseline else f"{goal} {scenario.unit}"


def markdown(scenarios: list[Scenario], grown: list[dict], machine: dict) -> str:
    lines = [
        "# Benchmark report",
        "",
        ", ".join(f"{key}: {value}" for key, value in machine.items()),
        "",
        "| scenario | ours | baselines | ratio | goal | verdict | peak MB "
        "| runs (min–median–max) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scenario in scenarios:
        if scenario.skipped:
            lines.append(f"| {scenario.key} | — | — | — | — | skipped: {scenario.skipped} | | |")
            continue
        unit = scenario.unit
        ours = _number(Figure(scenario.ours).median, unit)
        baselines = "; ".join(
            f"{label} {_number(Figure(runs).median, unit)}"
            for label, runs in scenario.baselines.items()
            if runs
        )
        ratios = "; ".join(
            f"{label} {ratio:.2f}×"
            for label in scenario.baselines
            if (ratio := scenario.ratio(label)) is not None
        )
        goal = _goal_label(scenario)
        peak = _number(scenario.peak_mb) if scenario.peak_mb is not None else ""
        note = f" ({scenario.note})" if scenario.note else ""
        lines.append(
            f"| {scenario.key}{note} | {ours} | {baselines or '—'} | {ratios or '—'} | {goal} "
            f"| {scenario.verdict} | {peak} | {_spread(scenario.ours)} |"
        )
    if grown:
        sizes = sorted({int(size) for row in grown for size in row["figures"]})
        lines += [
            "",
            "## Growth with the data",
            "",
            "| scenario | " + " | ".join(f"{size:,} orders" for size in sizes) + " | grows |",
            "|---|" + "---|" * len(sizes) + "---|",
        ]
        for row in grown:
            cells = [_number(row["figures"].get(str(size)), row["unit"]) for size in sizes]
            flag = "faster than the data" if row["faster_than_data"] else "no faster than the data"
            database = f" ({row['database']})" if row["database"] else ""
            lines.append(
                f"| {row['group']}: {row['name']}{database} | " + " | ".join(cells) + f" | {flag} |"
            )
    return "\n".join(lines) + "\n"
