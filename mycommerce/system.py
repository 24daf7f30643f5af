"""What the product needs from the machine, and the one command that installs what is missing.

Standard library only: `make run` and `make test` run it with the system's Python, before
the virtualenv exists:

    python3 -m mycommerce.system --install [--browser]

With --install, as root on Debian or Ubuntu, it installs what is missing with apt-get;
anywhere else it prints the exact command and exits with status 1. The Django system checks
(mycommerce/checks.py) report from the same tables.
"""

import argparse
import ctypes
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

# What WeasyPrint loads (weasyprint/text/ffi.py), with the Debian package of each.
PDF_LIBRARIES = {
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libpango-1.0.so.0": "libpango-1.0-0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libfontconfig.so.1": "libfontconfig1",
    "libharfbuzz-subset.so.0": "libharfbuzz-subset0",
}
# Without it WeasyPrint still loads but subsets fonts with fontTools: slower, and deprecated.
OPTIONAL_PDF_LIBRARIES = {"libharfbuzz-subset.so.0"}
# Every font-family of templates/invoices/*.html (generic families aside).
INVOICE_FONTS = {"DejaVu Sans": "fonts-dejavu-core"}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SOFFICE = os.environ.get("SOFFICE", "soffice")
APT_INSTALL = "apt-get install -y --no-install-recommends"


@dataclass(frozen=True)
class Need:
    what: str  # as a reader is told it: "libpango-1.0.so.0", "font DejaVu Sans"
    why: str
    package: str  # on Debian and Ubuntu
    present: Callable[[], bool]


def library_loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


def font_installed(family: str) -> bool:
    """Asks fontconfig, which Pango and so WeasyPrint use to find fonts."""
    try:
        fc = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        return False
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcObjectSetCreate.restype = ctypes.c_void_p
    fc.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fc.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
    fc.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    fc.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    pattern = fc.FcNameParse(family.encode())
    objects = fc.FcObjectSetCreate()
    fc.FcObjectSetAdd(objects, b"family")
    fonts = fc.FcFontList(None, pattern, objects)
    found = bool(fonts) and fonts.contents.nfont > 0
    if fonts:
        fc.FcFontSetDestroy(fonts)
    fc.FcObjectSetDestroy(objects)
    fc.FcPatternDestroy(pattern)
    return found


def pdf_needs() -> list[Need]:
    return [
        Need(
            name,
            "PDFs several times slower"
            if name in OPTIONAL_PDF_LIBRARIES
            else "WeasyPrint cannot load",
            package,
            lambda name=name: library_loads(name),
        )
        for name, package in PDF_LIBRARIES.items()
    ]


def font_needs() -> list[Need]:
    return [
        Need(
            f"font {family}",
            "invoices print in another font",
            package,
            lambda f=family: font_installed(f),
        )
        for family, package in INVOICE_FONTS.items()
    ]


def browser_needs() -> list[Need]:
    path = CHROMIUM
    return [
        Need(
            f"Chromium at {path}",
            "Playwright drives it",
            "chromium",
            lambda: os.access(path, os.X_OK),
        )
    ]


def spreadsheet_needs() -> list[Need]:
    # tests/exports/test_libreoffice.py opens the exports in LibreOffice Calc, headless.
    return [
        Need(
            f"LibreOffice Calc ({SOFFICE})",
            "the export tests open files in it",
            "libreoffice-calc-nogui",
            lambda: shutil.which(SOFFICE) is not None,
        )
    ]


def venv_needs() -> list[Need]:
    # Debian ships `python3 -m venv` (its ensurepip) in a package of its own.
    return [
        Need(
            f"the venv module of {sys.executable}",
            "make creates .venv with it",
            "python3-venv",
            lambda: importlib.util.find_spec("ensurepip") is not None,
        )
    ]


def missing(needs: list[Need]) -> list[Need]:
    return [need for need in needs if not need.present()]


def _debian_like() -> bool:
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            release = handle.read()
    except OSError:
        return False
    ids = {
        word.strip("\"'")
        for line in release.splitlines()
        if line.startswith(("ID=", "ID_LIKE="))
        for word in line.split("=", 1)[1].split()
    }
    return bool(ids & {"debian", "ubuntu"}) and shutil.which("apt-get") is not None


def install_command(needs: list[Need]) -> str | None:
    """The one command that installs the packages here; None where apt-get is not the way."""
    packages = package_names(needs)
    if not _debian_like():
        return None
    if os.geteuid() == 0:
        return f"apt-get update && {APT_INSTALL} {packages}"
    if shutil.which("sudo"):
        return f"sudo apt-get update && sudo {APT_INSTALL} {packages}"
    return f"su -c 'apt-get update && {APT_INSTALL} {packages}'"


def remedy(needs: list[Need]) -> str:
    command = install_command(needs)
    if command is None:
        packages = package_names(needs)
        return f"install the equivalent of Debian's {packages} with this system's package manager"
    return f"run: {command}"


def package_names(needs: list[Need]) -> str:
    return " ".join(dict.fromkeys(need.package for need in needs))


def describe(needs: list[Need]) -> str:
    return ", ".join(f"{need.what} ({need.why})" for need in needs)


def _apt_install(needs: list[Need]) -> bool:
    packages = package_names(needs).split()
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=120"]
    for command in (
        ["apt-get", "update", "-qq", *lock],
        [*APT_INSTALL.split(), "-qq", *lock, *packages],
    ):
        done = subprocess.run(  # fixed commands; packages from the tables above
            command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
        )
        if done.returncode != 0:
            print(done.stdout + done.stderr, file=sys.stderr)
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--install", action="store_true", help="install what is missing")
    parser.add_argument(
        "--browser", action="store_true", help="Chromium and LibreOffice Calc too, for the tests"
    )
    args = parser.parse_args(argv)

    for_tests = browser_needs() + spreadsheet_needs() if args.browser else []
    needs = venv_needs() + pdf_needs() + font_needs() + for_tests
    absent = missing(needs)
    if not absent:
        return 0
    if args.install and os.geteuid() == 0 and _debian_like():
        print(f"Installing what this machine lacks: {describe(absent)}")
        if _apt_install(absent):
            # Checked again by a fresh process: fontconfig caches its font list.
            again = [sys.executable, "-m", "mycommerce.system"] + ["--browser"] * args.browser
            return subprocess.call(
                again, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            )
    print(f"This machine lacks {describe(absent)}.", file=sys.stderr)
    command = install_command(absent)
    if command is None:
        print(f"To go on, {remedy(absent)}, then run make again.", file=sys.stderr)
    else:
        print(f"Run this, then make again:\n  {command}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
