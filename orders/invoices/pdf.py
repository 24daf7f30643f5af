"""HTML to PDF (WeasyPrint) and merging (pypdf).

No Django import here on purpose: the worker processes of a large batch import only this
module, so they start fast and never touch the database.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from uuid import uuid4


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load here: a system library is missing (mycommerce.system names it)."""


def _document(html: str):
    try:
        from weasyprint import HTML
    except OSError as error:  # a library that cffi could not open
        raise PdfUnavailable(str(error)) from error
    return HTML(string=html)


def pdf_from_html(html: str) -> bytes:
    return _document(html).write_pdf()


def pdf_file_from_html(html: str, path: str) -> str:
    """Write the PDF next to its final name, then rename: a crash never leaves half a chunk."""
    partial = f"{path}.{uuid4().hex}.part"
    _document(html).write_pdf(partial)
    os.replace(partial, path)
    return path


def pdf_merge_files(*, paths: Iterable[Path], target: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    partial = target.with_name(f"{target.name}.{uuid4().hex}.part")
    with open(partial, "wb") as handle:
        writer.write(handle)
    writer.close()
    os.replace(partial, target)
    return target


def _worker_context():
    """Workers forked from a server that has WeasyPrint loaded: they start at once, and never
    inherit the parent's database connections or threads (as plain fork would)."""
    context = get_context("forkserver")
    context.set_forkserver_preload(["orders.invoices.pdf", "weasyprint"])
    return context


def pdf_render_chunks(
    *,
    chunks: Iterator[tuple[Path, str, int]],
    processes: int,
    on_chunk_done: Callable[[int], None],
) -> None:
    """Render (path, html, size) chunks, in this process or in a pool of `processes`.

    The HTML of a chunk is produced lazily by the iterator; at most two chunks per process
    are waiting at any time, so memory stays bounded whatever the batch size.
    """
    if processes <= 1:
        for path, html, size in chunks:
            pdf_file_from_html(html, str(path))
            on_chunk_done(size)
        return
    with ProcessPoolExecutor(max_workers=processes, mp_context=_worker_context()) as pool:
        pending: dict[Future, int] = {}
        for path, html, size in chunks:
            pending[pool.submit(pdf_file_from_html, html, str(path))] = size
            while len(pending) >= processes * 2:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()
                    on_chunk_done(pending.pop(future))
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()
                on_chunk_done(pending.pop(future))
