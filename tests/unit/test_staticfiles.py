from __future__ import annotations

import gc
import gzip
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import tether
from tether.staticfiles import StaticFiles

CLIENT = Path(tether.__file__).parent / "static" / "tether" / "tether.js"


async def get(
    app: StaticFiles, path: str, *headers: tuple[bytes, bytes], method: str = "GET"
) -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        raise AssertionError("a GET has no body to receive")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers)}
    await app(scope, receive, send)
    start, body = sent
    assert start["type"] == "http.response.start"
    assert body["type"] == "http.response.body"
    return start["status"], dict(start["headers"]), body["body"]


@pytest.fixture
def app() -> StaticFiles:
    return StaticFiles()


def test_handles_only_http_under_static_url(app: StaticFiles) -> None:
    assert app.prefix == "/static/"
    assert app.handles({"type": "http", "path": "/static/tether/tether.js"})
    assert not app.handles({"type": "http", "path": "/counter/"})
    assert not app.handles({"type": "websocket", "path": "/static/tether/tether.js"})


def test_prefix_gets_a_leading_slash(settings) -> None:
    settings.STATIC_URL = "assets/"
    assert StaticFiles().prefix == "/assets/"


async def test_serves_gzip_when_accepted(app: StaticFiles) -> None:
    status, headers, body = await get(
        app, "/static/tether/tether.js", (b"accept-encoding", b"br, gzip, deflate")
    )
    assert status == 200
    assert headers[b"content-encoding"] == b"gzip"
    assert headers[b"content-type"].endswith(b"javascript; charset=utf-8")
    assert headers[b"vary"] == b"Accept-Encoding"
    assert int(headers[b"content-length"]) == len(body)
    assert gzip.decompress(body) == CLIENT.read_bytes()


async def test_serves_plain_otherwise(app: StaticFiles) -> None:
    status, headers, body = await get(app, "/static/tether/tether.js")
    assert status == 200
    assert b"content-encoding" not in headers
    assert body == CLIENT.read_bytes()
    assert int(headers[b"content-length"]) == len(body)


async def test_etag_is_stable_and_gives_304(app: StaticFiles) -> None:
    _, headers, _ = await get(app, "/static/tether/tether.js")
    etag = headers[b"etag"]
    _, again, _ = await get(app, "/static/tether/tether.js", (b"accept-encoding", b"gzip"))
    assert again[b"etag"] == etag
    status, headers, body = await get(app, "/static/tether/tether.js", (b"if-none-match", etag))
    assert (status, body) == (304, b"")
    assert headers[b"etag"] == etag


async def test_stale_etag_gets_the_file(app: StaticFiles) -> None:
    status, _, body = await get(app, "/static/tether/tether.js", (b"if-none-match", b'"old"'))
    assert status == 200
    assert body == CLIENT.read_bytes()


async def test_head_has_headers_and_no_body(app: StaticFiles) -> None:
    status, headers, body = await get(app, "/static/tether/tether.js", method="HEAD")
    assert status == 200
    assert body == b""
    assert int(headers[b"content-length"]) == CLIENT.stat().st_size


async def test_other_methods_are_not_served(app: StaticFiles) -> None:
    status, _, _ = await get(app, "/static/tether/tether.js", method="POST")
    assert status == 404


@pytest.mark.parametrize("path", ["/static/tether/nope.js", "/static/nope/tether.js"])
async def test_unknown_files_are_404(app: StaticFiles, path: str) -> None:
    status, headers, body = await get(app, path)
    assert (status, body) == (404, b"Not found")
    assert headers[b"content-type"] == b"text/plain"


@pytest.mark.parametrize("path", ["/static/tether/", "/static/tether/vendor"])
async def test_directories_are_404(app: StaticFiles, path: str) -> None:
    status, _, _ = await get(app, path)
    assert status == 404


@pytest.mark.parametrize(
    "path", ["/static/tether/../tether/tether.js", "/static/tether/%2e%2e/tether/tether.js"]
)
async def test_dot_dot_inside_static_is_404(app: StaticFiles, path: str) -> None:
    status, _, _ = await get(app, path)
    assert status == 404


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/static/..%2F..%2Fsettings.py"])
async def test_dot_dot_leaving_static_is_404(app: StaticFiles, path: str) -> None:
    status, _, _ = await get(app, path)
    assert status == 404


# Regression for the review finding "unbounded StaticFiles._cache for missing paths":
# every request for a missing path stayed in memory for the life of the process.


async def test_static_missing_paths_are_not_remembered(app: StaticFiles) -> None:
    await get(app, "/static/warm-up-the-finders.js")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(3000):
            status, _, _ = await get(app, f"/static/missing/{n:0100d}.js")
            assert status == 404
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Remembering each path would hold over 400 KB here.
    assert grown < 100_000, f"{grown} bytes kept after 3000 missing paths"


async def test_static_file_added_after_a_404_is_served(settings, tmp_path: Path) -> None:
    settings.STATICFILES_DIRS = [tmp_path]
    app = StaticFiles()
    status, _, _ = await get(app, "/static/late.css")
    assert status == 404
    (tmp_path / "late.css").write_text("body { color: red }")
    status, _, body = await get(app, "/static/late.css")
    assert (status, body) == (200, b"body { color: red }")


async def test_static_other_spellings_of_a_file_share_one_copy(app: StaticFiles) -> None:
    await get(app, "/static/tether/tether.js")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(1, 200):
            status, _, body = await get(app, "/static/tether" + "/" * n + "tether.js")
            assert (status, body) == (200, CLIENT.read_bytes())
            del body
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 100_000, f"{grown} bytes kept for 200 spellings of one file"
