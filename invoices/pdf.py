"""HTML to PDF (WeasyPrint) and merging (pikepdf, on qpdf).

No Django import here on purpose: the worker processes of a large batch import only this
module, so they start fast and never touch the database.
"""

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from uuid import uuid4

# While chunks render, the caller hears from pdf_render_chunks at least this often (seconds).
BEAT_EVERY = 5
PR_SET_PDEATHSIG = 1


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load here: a system library is missing (mycommerce.system names it)."""


def _document(html: str):
    try:
        from weasyprint import HTML
    except OSError as error:  # a library that cffi could not open
        raise PdfUnavailable(str(error)) from error
    return HTML(string=html)


# Archivable (PDF/A-3b, the base of Factur-X) and tagged for screen readers.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}


def pdf_from_html(html: str) -> bytes:
    return _document(html).write_pdf(**PDF_OPTIONS)


def pdf_file_from_html(html: str, path: str) -> str:
    """Write the PDF next to its final name, then rename: a crash never leaves half a chunk."""
    partial = f"{path}.{uuid4().hex}.part"
    _document(html).write_pdf(partial, **PDF_OPTIONS)
    os.replace(partial, path)
    return path


def pdf_merge_files(*, paths: Iterable[Path], target: Path) -> Path:
    """The pages of `paths` in one PDF, with the first one's document information (its title).
    qpdf copies each page's objects as they are: some twenty times faster than pypdf, which
    parses them in Python (0.03 s against 0.56 s for a hundred invoices)."""
    import pikepdf

    sources = [pikepdf.open(path) for path in paths]
    try:
        merged = pikepdf.Pdf.new()
        for source in sources:
            merged.pages.extend(source.pages)
        if sources:
            merged.docinfo = merged.copy_foreign(sources[0].docinfo)
        partial = target.with_name(f"{target.name}.{uuid4().hex}.part")
        merged.save(partial)
        merged.close()
    finally:
        for source in sources:
            source.close()
    os.replace(partial, target)
    return target


def _worker_context():
    """Workers forked from a server that has WeasyPrint loaded: they start at once, and never
    inherit the parent's database connections or threads (as plain fork would)."""
    context = get_context("forkserver")
    context.set_forkserver_preload(["invoices.pdf", "weasyprint"])
    return context


def _owner_alive(owner: int) -> bool:
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _exit_when_orphaned(parent: int, owner: int) -> None:
    while os.getppid() == parent and _owner_alive(owner):
        time.sleep(1)
    os._exit(1)


def _render_process_init(owner: int) -> None:
    """A render process lives no longer than the worker that started it (`owner`).

    Its parent is the forkserver, which exits when the worker dies: on Linux the kernel then
    kills it at once (PR_SET_PDEATHSIG); elsewhere, or if the parent went first, a watchdog
    thread sees it within a second. Ctrl-C is left to the worker, which may finish its task.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_exit_when_orphaned, args=(parent, owner), daemon=True).start()


def _stop_at_once(pool: ProcessPoolExecutor) -> None:
    """The worker is stopping, or a chunk failed: do not wait for the chunks under way."""
    # No public way to reach the processes before Python 3.14's terminate_workers().
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)


def pdf_render_chunks(
    *,
    chunks: Iterator[tuple[Path, str, int]],
    processes: int,
    on_chunk_done: Callable[[int], None],
) -> None:
    """Render (path, html, size) chunks, in this process or in a pool of `processes`.

    The HTML of a chunk is produced lazily by the iterator; at most two chunks per process
    are waiting at any time, so memory stays bounded whatever the batch size.
    `on_chunk_done(size)` follows each chunk, and `on_chunk_done(0)` comes every BEAT_EVERY
    seconds while the pool renders, so the caller can show it is alive.
    """
    if processes <= 1:
        for path, html, size in chunks:
            pdf_file_from_html(html, str(path))
            on_chunk_done(size)
        return
    pool = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=_worker_context(),
        initializer=_render_process_init,
        initargs=(os.getpid(),),
    )
    pending: dict[Future, int] = {}

    def collect(limit: int) -> None:
        while len(pending) > limit:
            done, _ = wait(pending, timeout=BEAT_EVERY, return_when=FIRST_COMPLETED)
            if not done:
                on_chunk_done(0)
            for future in done:
                future.result()
                on_chunk_done(pending.pop(future))

    try:
        for path, html, size in chunks:
            pending[pool.submit(pdf_file_from_html, html, str(path))] = size
            collect(processes * 2 - 1)
        collect(0)
    except BaseException:
        _stop_at_once(pool)
        raise
    pool.shutdown()
