"""A ZIP file (an XLSX package) whose large parts are deflated as they are written, by a thread
of their own, while the export makes the next rows: zlib lets go of Python's lock while it
compresses, so on two cores the compression costs the export almost nothing, where compressing
the rows once they are all written doubled the wait.

A large part is written in three pieces: its rows as they come (`DeflatedPart`), then, when
the rows are all there, what goes before and after them (a sheet's head says how many rows it
has). Each piece is its own deflate stream flushed to a byte boundary but the last, so that
their concatenation is one valid stream; the part's CRC-32 is combined from the pieces'.
"""

import shutil
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from threading import Thread
from typing import BinaryIO

ROWS_LEVEL = 1  # the rows are most of the file: fast (a third larger than level 6, 3× faster)
SMALL_LEVEL = 6
CHUNK = 1 << 20
ZIP64_LIMIT = 0xFFFFFFFF  # sizes and offsets from here on go in ZIP64 records
MARK = 0xFFFFFFFF  # what the classic field then says
DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1  # parts are dated 2026-01-01 00:00


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of A + B from those of A and B and the length of B (zlib's crc32_combine,
    which Python's zlib module does not offer)."""
    if second_length <= 0:
        return first
    odd = [0xEDB88320] + [1 << bit for bit in range(31)]  # one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four
    while True:  # apply second_length zero bytes to `first`
        even = _gf2_square(odd)
        if second_length & 1:
            first = _gf2_times(even, first)
        second_length >>= 1
        if not second_length:
            break
        odd = _gf2_square(even)
        if second_length & 1:
            first = _gf2_times(odd, first)
        second_length >>= 1
        if not second_length:
            break
    return first ^ second


@dataclass
class _Piece:
    """Deflated bytes (a file or bytes) and what the ZIP needs of their uncompressed text."""

    crc: int
    size: int
    compressed_size: int
    data: bytes | BinaryIO


def _deflate(data: bytes, *, level: int, last: bool) -> _Piece:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    out = compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
    return _Piece(zlib.crc32(data), len(data), len(out), out)


class DeflatedPart:
    """The rows of one large part, deflated by a thread into a temporary file as they come
    (at most two chunks waiting: memory stays flat)."""

    def __init__(self, folder: Path) -> None:
        self.file = tempfile.TemporaryFile(dir=folder)
        self._compressor = zlib.compressobj(ROWS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._crc = self._size = 0
        self._queue: Queue = Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = Thread(target=self._work, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain: the writer learns of the error at its next call
            try:
                self._crc = zlib.crc32(data, self._crc)
                self._size += len(data)
                self.file.write(self._compressor.compress(data))
            except BaseException as error:
                self._error = error

    def write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def finish(self) -> _Piece:
        """Wait for the thread; the rows as a deflate stream that more pieces may follow."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        self.file.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
        compressed = self.file.tell()
        self.file.seek(0)
        return _Piece(self._crc, self._size, compressed, self.file)

    def discard(self) -> None:
        """After a failure: stop the thread, drop the file."""
        self._queue.put(None)
        self._thread.join()
        self.file.close()


class ZipWriter:
    """A ZIP file written entry by entry, each entry's sizes known before it is written (no
    data descriptors), ZIP64 where an entry or the file passes 4 GiB."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.entries: list[tuple[bytes, int, int, int, int]] = []  # name, crc, sizes, offset

    def add(self, name: str, data: bytes) -> None:
        """A small entry, compressed here."""
        self._write(name, [_deflate(data, level=SMALL_LEVEL, last=True)])

    def add_large(self, name: str, *, head: bytes, rows: DeflatedPart, tail: bytes) -> None:
        """A large entry: `head`, the rows deflated so far, `tail`."""
        pieces = [
            _deflate(head, level=SMALL_LEVEL, last=False),
            rows.finish(),
            _deflate(tail, level=SMALL_LEVEL, last=True),
        ]
        self._write(name, pieces)
        rows.file.close()

    def _write(self, name: str, pieces: list[_Piece]) -> None:
        crc = pieces[0].crc
        for piece in pieces[1:]:
            crc = crc32_combine(crc, piece.crc, piece.size)
        size = sum(piece.size for piece in pieces)
        compressed = sum(piece.compressed_size for piece in pieces)
        encoded = name.encode()
        offset = self.target.tell()
        zip64 = size >= ZIP64_LIMIT or compressed >= ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, compressed) if zip64 else b""
        self.target.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                45 if zip64 else 20,
                0,
                8,  # deflated
                0,
                DOS_DATE,
                crc,
                MARK if zip64 else compressed,
                MARK if zip64 else size,
                len(encoded),
                len(extra),
            )
            + encoded
            + extra
        )
        for piece in pieces:
            if isinstance(piece.data, bytes):
                self.target.write(piece.data)
            else:
                shutil.copyfileobj(piece.data, self.target, CHUNK)
        self.entries.append((encoded, crc, size, compressed, offset))

    def close(self) -> None:
        """The central directory, and its ZIP64 records when the file needs them."""
        start = self.target.tell()
        for encoded, crc, size, compressed, offset in self.entries:
            large_sizes = size >= ZIP64_LIMIT or compressed >= ZIP64_LIMIT
            # The ZIP64 extra field holds the sizes (both, if either is large) and the offset.
            fields = [size, compressed] if large_sizes else []
            if offset >= ZIP64_LIMIT:
                fields.append(offset)
            zip64 = bool(fields)
            extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if zip64 else b""
            self.target.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    45 if zip64 else 20,
                    45 if zip64 else 20,
                    0,
                    8,
                    0,
                    DOS_DATE,
                    crc,
                    MARK if large_sizes else compressed,
                    MARK if large_sizes else size,
                    len(encoded),
                    len(extra),
                    0,
                    0,
                    0,
                    0,
                    MARK if offset >= ZIP64_LIMIT else offset,
                )
                + encoded
                + extra
            )
        end = self.target.tell()
        count, length = len(self.entries), end - start
        zip64_end = start >= ZIP64_LIMIT or length >= ZIP64_LIMIT
        if zip64_end:
            self.target.write(
                struct.pack(
                    "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, length, start
                )
                + struct.pack("<IIQI", 0x07064B50, 0, end, 1)
            )
        self.target.write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                count,
                count,
                MARK if zip64_end else length,
                MARK if zip64_end else start,
                0,
            )
        )
