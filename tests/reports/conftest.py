import pytest

from reports import selectors
from reports.summary import summary_rebuild


@pytest.fixture(autouse=True)
def summary_from_hand_built_orders(request, monkeypatch):
    """The tests of the figures build their orders by hand, past the services (as the demo
    seeder does): the summary is rebuilt from them before each read, as `reports_rebuild`
    would. tests/reports/test_summary.py checks that the services keep it equal to that."""
    if request.node.get_closest_marker("summary_as_is"):
        return
    read = selectors.period_report

    def rebuilt_then_read(*, store, timeline):
        summary_rebuild(store=store)
        return read(store=store, timeline=timeline)

    monkeypatch.setattr(selectors, "period_report", rebuilt_then_read)
