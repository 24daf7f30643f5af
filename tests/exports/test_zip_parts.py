"""The XLSX package is a ZIP written by hand (exports/zip_parts.py): Python's zipfile, which
checks every CRC, must read back each part as written, large parts included."""

import io
import os
import random
import threading
import zipfile
import zlib

import pytest

from exports import zip_parts
from exports.zip_parts import DeflatedPart, ZipWriter, crc32_combine


def test_crc32_combine_is_zlibs():
    generator = random.Random(7)
    for _ in range(200):
        first = os.urandom(generator.randint(0, 2000))
        second = os.urandom(generator.randint(0, 70000))
        combined = crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second))
        assert combined == zlib.crc32(first + second)


def _package(tmp_path, rows: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    package = ZipWriter(buffer)
    package.add("[Content_Types].xml", b"<Types/>")
    part = DeflatedPart(tmp_path)
    for row in rows:
        part.write(row)
    package.add_large("xl/worksheets/sheet1.xml", head=b"<sheetData>", rows=part, tail=b"</x>")
    package.add("xl/empty.xml", b"")
    package.close()
    return buffer.getvalue()


def test_parts_read_back_whole_and_checked(tmp_path):
    rows = [f'<row r="{n}"><c><v>{n * 7}</v></c></row>'.encode() for n in range(1, 50_000)]
    with zipfile.ZipFile(io.BytesIO(_package(tmp_path, rows))) as package:
        assert package.testzip() is None
        assert package.namelist() == [
            "[Content_Types].xml",
            "xl/worksheets/sheet1.xml",
            "xl/empty.xml",
        ]
        assert package.read("xl/worksheets/sheet1.xml") == b"<sheetData>" + b"".join(rows) + b"</x>"
        assert package.read("xl/empty.xml") == b""


def test_past_four_gigabytes_the_zip64_records_are_read(monkeypatch, tmp_path):
    """Sizes and offsets past ZIP64_LIMIT (made small here) go in ZIP64 records."""
    monkeypatch.setattr(zip_parts, "ZIP64_LIMIT", 100)
    rows = [os.urandom(64).hex().encode() for _ in range(100)]
    with zipfile.ZipFile(io.BytesIO(_package(tmp_path, rows))) as package:
        assert package.testzip() is None
        info = package.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size == len(b"<sheetData>" + b"".join(rows) + b"</x>")
        assert package.read("xl/empty.xml") == b""


def test_a_failed_export_leaves_no_thread_behind(tmp_path):
    part = DeflatedPart(tmp_path)
    part.write(b"<row/>")
    part.discard()
    assert not [t for t in threading.enumerate() if t.name == "xlsx-deflate"]


def test_a_compression_error_reaches_the_writer(monkeypatch, tmp_path):
    part = DeflatedPart(tmp_path)
    part.write("not bytes")  # zlib refuses a str: the thread's error is the writer's
    with pytest.raises(TypeError):
        part.finish()
