import pytest

from mycommerce.checks import chromium_check


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected
def pytest_collection_modifyitems(config, items):
    """Before any test runs: without Chromium, one line saying how to install it."""
    if any(item.get_closest_marker("browser") for item in items):
        for warning in chromium_check():
            pytest.exit(warning.msg, returncode=pytest.ExitCode.USAGE_ERROR)
