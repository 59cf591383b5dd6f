"""Static files for development and the demo, served gzip-compressed.

The Phoenix client is about 130 KB minified and under 50 KB gzipped; serving
it compressed is most of the page's weight. In production, a CDN or
``collectstatic`` behind a web server does this instead.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from tether.types import Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class Asset:
    raw: bytes
    compressed: bytes
    content_type: str
    etag: str


class StaticFiles:
    def __init__(self) -> None:
        from django.conf import settings

        self.prefix = str(settings.STATIC_URL or "/static/")
        if not self.prefix.startswith("/"):
            self.prefix = "/" + self.prefix
        self._cache: dict[str, Asset] = {}  # by real path: one entry per file

    def handles(self, scope: Scope) -> bool:
        return scope["type"] == "http" and str(scope["path"]).startswith(self.prefix)

    def find(self, relative: str) -> Asset | None:
        """The file for a path under STATIC_URL, compressed once and kept.

        Only files are kept, keyed by where they are: a missing path or another
        spelling of a found one (``a//b.js``) costs no memory, so requests for
        random paths cannot grow the cache, and a file added later is served.
        """
        from django.contrib.staticfiles import finders
        from django.core.exceptions import SuspiciousFileOperation

        if ".." in Path(relative).parts:
            return None
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:  # a path leaving the static roots
            return None
        if not isinstance(found, str):
            return None
        path = os.path.realpath(found)
        asset = self._cache.get(path)
        if asset is None and Path(path).is_file():
            raw = Path(path).read_bytes()
            ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype.endswith("javascript"):
                ctype += "; charset=utf-8"
            asset = Asset(
                raw,
                gzip.compress(raw, 9, mtime=0),
                ctype,
                '"' + hashlib.blake2b(raw, digest_size=8).hexdigest() + '"',
            )
            self._cache[path] = asset
        return asset

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        relative = unquote(str(scope["path"])[len(self.prefix) :])
        asset = self.find(relative)
        if asset is None or scope.get("method") not in ("GET", "HEAD"):
            await _respond(send, 404, [(b"content-type", b"text/plain")], b"Not found")
            return
        headers: dict[bytes, bytes] = {}
        for key, value in scope.get("headers", ()):
            headers[bytes(key).lower()] = bytes(value)
        if headers.get(b"if-none-match") == asset.etag.encode():
            await _respond(send, 304, [(b"etag", asset.etag.encode())], b"")
            return
        body = asset.raw
        out = [
            (b"content-type", asset.content_type.encode()),
            (b"etag", asset.etag.encode()),
            (b"vary", b"Accept-Encoding"),
            (b"cache-control", b"no-cache"),
        ]
        if b"gzip" in headers.get(b"accept-encoding", b"") and len(asset.compressed) < len(body):
            body = asset.compressed
            out.append((b"content-encoding", b"gzip"))
        out.append((b"content-length", str(len(body)).encode()))
        await _respond(send, 200, out, b"" if scope.get("method") == "HEAD" else body)


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
