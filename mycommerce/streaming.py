"""Failures inside a streamed response, logged with the request's path.

A streamed body (a CSV export, a file) is produced after the view has returned and the
headers are sent, so an exception raised while producing it never reaches Django's request
logging: the download just stops. This middleware wraps every streamed body so that such a
failure is logged, then re-raised (the server cuts the connection: a truncated file is not
passed off as complete).
"""

import logging
from collections.abc import AsyncIterator, Iterable, Iterator

logger = logging.getLogger(__name__)

MESSAGE = "Streamed response failed: %s %s"


def logged_chunks(chunks: Iterable, *, method: str, path: str) -> Iterator:
    try:
        yield from chunks
    except Exception:
        logger.exception(MESSAGE, method, path)
        raise


async def logged_async_chunks(chunks: AsyncIterator, *, method: str, path: str) -> AsyncIterator:
    try:
        async for chunk in chunks:
            yield chunk
    except Exception:
        logger.exception(MESSAGE, method, path)
        raise


class StreamingErrorLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.streaming:
            return response
        wrap = logged_async_chunks if response.is_async else logged_chunks
        # A FileResponse keeps its file, which a WSGI server may send itself (sendfile).
        file_to_stream = getattr(response, "file_to_stream", None)
        response.streaming_content = wrap(
            response.streaming_content, method=request.method, path=request.path
        )
        if file_to_stream is not None:
            response.file_to_stream = file_to_stream
        return response
