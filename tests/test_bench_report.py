"""The benchmark report (`make bench`): what a reader of var/bench/report.md relies on."""

import json

import pytest

from tests.benchmarks import report


@pytest.fixture
def bench_dir(tmp_path, monkeypatch):
    for name, file in {
        "BENCH_DIR": tmp_path,
        "RESULTS": tmp_path / "results.jsonl",
        "REPORT_MD": tmp_path / "report.md",
        "REPORT_JSON": tmp_path / "report.json",
    }.items():
        monkeypatch.setattr(report, name, file)
    monkeypatch.delenv(report.OWNER, raising=False)
    return tmp_path


def test_each_goal_is_met_or_missed_by_its_ratio(bench_dir):
    assert report.start()
    report.record(
        "order list",
        "first page",
        unit="ms",
        orders=10_000,
        database="SQLite",
        ours=[1.2, 1.0, 1.1],
        baselines={"bare SQL": [1.0, 0.9, 1.0], "admin": [5.0]},
        goal=report.Goal("bare SQL", at_most=1.5),
    )
    report.record(
        "CSV export",
        "lines",
        unit="rows/s",
        ours=40_000,
        baselines={"COPY": 100_000},
        goal=report.Goal("COPY", at_least=0.5),
        peak_mb=80.5,
    )
    report.skip("numbering", "8 writers", reason="no PostgreSQL at BENCH_POSTGRES_URL")
    report.record("search", "e-mail", unit="ms", ours=[90, 160, 120], goal=report.Goal(at_most=150))
    table, all_met = report.write({"cores": 2})
    assert not all_met
    first, export, numbering, search = table.splitlines()[6:10]
    assert "1.10 ms" in first and "bare SQL 1.10×" in first and "| met |" in first
    assert "3 runs, 1.00–1.10–1.20" in first
    assert "0.40×" in export and "| missed |" in export and "80.5" in export
    assert "skipped: no PostgreSQL at BENCH_POSTGRES_URL" in numbering
    # A goal of the issue's own, in the figure's unit: the median of the runs meets it.
    assert "≤ 150 ms | met |" in search
    written = json.loads(report.REPORT_JSON.read_text())
    verdicts = [row["verdict"] for row in written["scenarios"]]
    assert verdicts == ["met", "missed", "skipped", "met"]
    assert written["scenarios"][0]["baselines"]["bare SQL"]["runs"] == [1.0, 0.9, 1.0]
    assert report.REPORT_MD.read_text() == table


def test_a_child_process_appends_but_does_not_own_the_report(bench_dir, monkeypatch):
    assert report.start()
    report.record("reports", "12 months", unit="s", ours=1.0)
    # A child (the same benchmark on PostgreSQL) inherits the owner: it keeps the results.
    assert not report.start()
    assert len(report.results()) == 1


def test_growth_is_flagged_when_cost_grows_faster_than_the_data(bench_dir):
    report.start()
    for orders, page_ms, rate in [(10_000, 2.0, 50_000), (100_000, 2.2, 49_000)]:
        report.record("order list", "first page", unit="ms", orders=orders, ours=page_ms)
        report.record("CSV export", "lines", unit="rows/s", orders=orders, ours=rate)
    for orders, search_ms in [(10_000, 1.0), (100_000, 30.0)]:
        report.record("search", "e-mail", unit="ms", orders=orders, ours=search_ms)
    report.record("CSV export", "lines", unit="rows/s", orders=1_000_000, ours=20_000)
    flags = {row["name"]: row["faster_than_data"] for row in report.growth(report.results())}
    # A page ten times slower for ten times the orders would be no faster than the data; a
    # search thirty times slower is; an export whose rate halves costs twice as much per order.
    assert flags == {"first page": False, "e-mail": True, "lines": True}
    table, _ = report.write({})
    assert "## Growth with the data" in table and "| 1,000,000 orders |" in table
