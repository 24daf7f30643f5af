"""The system check and `python3 -m mycommerce.system`: what is missing, told in one line with
the command that installs it. Nothing is uninstalled: the checks are pointed at absent names."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from mycommerce import system
from mycommerce.checks import chromium_check

ROOT = Path(settings.BASE_DIR)


def check_output() -> str:
    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def debian_root(monkeypatch):
    monkeypatch.setattr(system, "_debian_like", lambda: True)
    monkeypatch.setattr(system.os, "geteuid", lambda: 0)


def warning_line(output: str, check_id: str) -> str:
    [line] = [line for line in output.splitlines() if f"({check_id})" in line]
    return line


def test_this_machine_has_what_the_pdfs_need():
    assert "System check identified no issues" in check_output()


def test_a_missing_library_is_named_with_its_package_and_the_command(monkeypatch, debian_root):
    monkeypatch.setitem(system.PDF_LIBRARIES, "libpango-absent.so.0", "libpango-1.0-0")

    line = warning_line(check_output(), "mycommerce.W001")

    assert "Invoice PDFs: this machine lacks libpango-absent.so.0 (WeasyPrint cannot load)" in line
    assert line.endswith(
        "run: apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0"
    )
    assert "HINT" not in check_output()  # the command is on the same line


def test_harfbuzz_subset_is_reported_as_slower_fonts_not_as_failure(monkeypatch, debian_root):
    monkeypatch.setattr(system, "PDF_LIBRARIES", {"libharfbuzz-subset.so.0": "x"})
    monkeypatch.setattr(system, "library_loads", lambda name: False)

    line = warning_line(check_output(), "mycommerce.W001")

    assert "libharfbuzz-subset.so.0 (PDFs several times slower)" in line


def test_a_missing_font_is_named_with_its_package(monkeypatch, debian_root):
    monkeypatch.setattr(system, "INVOICE_FONTS", {"Absent Sans 2026": "fonts-absent"})

    line = warning_line(check_output(), "mycommerce.W002")

    assert "lacks font Absent Sans 2026 (invoices print in another font)" in line
    assert line.endswith("apt-get install -y --no-install-recommends fonts-absent")


def test_the_font_check_sees_the_fonts_that_are_installed():
    assert system.font_installed("DejaVu Sans")
    assert not system.font_installed("Absent Sans 2026")


def test_the_font_table_lists_every_font_the_invoice_templates_use():
    generic = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
    used = {
        family.strip().strip("\"'")
        for template in (ROOT / "templates/invoices").glob("*.html")
        for declaration in re.findall(r"font-family\s*:\s*([^;}]+)", template.read_text())
        for family in declaration.split(",")
    } - generic
    assert used and used <= set(system.INVOICE_FONTS)


def test_a_missing_chromium_is_named_with_its_package(monkeypatch, debian_root, tmp_path):
    not_executable = tmp_path / "chromium"
    not_executable.write_text("")
    for path in (tmp_path / "absent", not_executable):
        monkeypatch.setattr(system, "CHROMIUM", str(path))

        [warning] = chromium_check()

        assert warning.id == "mycommerce.W003"
        assert f"Browser tests: this machine lacks Chromium at {path}" in warning.msg
        assert warning.msg.endswith("apt-get install -y --no-install-recommends chromium")


def test_chromium_is_not_checked_by_manage_py_check(monkeypatch):
    monkeypatch.setattr(system, "CHROMIUM", "/absent/chromium")
    assert "mycommerce.W003" not in check_output()


def test_browser_tests_stop_before_starting_when_chromium_is_missing():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/numbering/test_browser.py", "-q"],
        cwd=ROOT,
        env={**os.environ, "CHROMIUM": "/absent/chromium"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "no tests ran" in done.stdout
    assert "this machine lacks Chromium at /absent/chromium" in done.stdout


def test_the_command_follows_the_machine(monkeypatch):
    needs = [system.Need("libx.so", "why", "libx1", lambda: False)]
    monkeypatch.setattr(system, "_debian_like", lambda: True)
    monkeypatch.setattr(system.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(system.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert system.install_command(needs) == (
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends libx1"
    )
    monkeypatch.setattr(system.shutil, "which", lambda name: None)
    assert system.install_command(needs) == (
        "su -c 'apt-get update && apt-get install -y --no-install-recommends libx1'"
    )
    monkeypatch.setattr(system, "_debian_like", lambda: False)
    assert system.install_command(needs) is None
    assert system.remedy(needs) == (
        "install the equivalent of Debian's libx1 with this system's package manager"
    )


def test_the_make_step_as_a_user_stops_with_the_exact_command(monkeypatch, capsys):
    monkeypatch.setitem(system.PDF_LIBRARIES, "libpango-absent.so.0", "libpango-1.0-0")
    monkeypatch.setattr(system, "_debian_like", lambda: True)
    monkeypatch.setattr(system.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(system.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(system, "_apt_install", lambda needs: pytest.fail("installed as a user"))

    assert system.main(["--install"]) == 1

    assert capsys.readouterr().err.splitlines() == [
        "This machine lacks libpango-absent.so.0 (WeasyPrint cannot load).",
        "Run this, then make again:",
        "  sudo apt-get update && sudo apt-get install -y --no-install-recommends libpango-1.0-0",
    ]


def test_the_make_step_is_silent_when_nothing_is_missing(capsys):
    assert system.main(["--install", "--browser"]) == 0
    assert capsys.readouterr() == ("", "")


def test_as_root_the_make_step_installs_then_checks_again_afresh(monkeypatch, capfd, debian_root):
    monkeypatch.setitem(system.PDF_LIBRARIES, "libpango-absent.so.0", "libpango-1.0-0")
    installed = []
    monkeypatch.setattr(system, "_apt_install", lambda needs: installed.extend(needs) or True)

    # The check after installing runs in a new process, which finds everything here.
    assert system.main(["--install"]) == 0

    assert [need.package for need in installed] == ["libpango-1.0-0"]
    assert capfd.readouterr().out == (
        "Installing what this machine lacks: libpango-absent.so.0 (WeasyPrint cannot load)\n"
    )
