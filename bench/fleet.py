"""Many pages in one client process, and the processes that hold them.

A ``Fleet`` lives in a worker process with its own uvloop and holds pages to
one server. The orchestrating process talks to its workers through a
``Swarm``: a command goes to every worker, each answers with a plain dict.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import resource
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import uvloop

from bench import wire

HEARTBEAT_SECONDS = 30.0
ECHO_FRAME_TOPIC = "echo"


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Watch:
    """Counts pages that have seen a marker; set when all of them have."""

    target: int
    seen: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def arrived(self) -> None:
        self.seen += 1
        if self.seen >= self.target:
            self.done.set()


class WatchedPage(wire.Page):
    watcher: Watch | None = None

    def _text(self, payload: bytes, now: float) -> None:
        first = self.arrived is None
        super()._text(payload, now)
        if first and self.arrived is not None and self.watcher is not None:
            self.watcher.arrived()


def _count_error(errors: dict[str, int], exc: BaseException) -> None:
    key = f"{type(exc).__name__}: {exc}"[:300]
    errors[key] = errors.get(key, 0) + 1


class Fleet:
    def __init__(self, label: str, base: str, port: int) -> None:
        self.label = label
        self.base = base
        self.host = "127.0.0.1"
        self.port = port
        self.pages: list[WatchedPage] = []
        self.deads: list[wire.DeadPage] = []
        self.heartbeat_task: asyncio.Task[None] | None = None
        self.beats: list[float] = []  # heartbeat round trips (seconds) of crowd pages

    # -- opening pages ---------------------------------------------------------

    async def render(
        self,
        path: str,
        count: int,
        concurrency: int = 32,
        within: float = 600.0,
        keep: bool = True,
    ) -> dict[str, Any]:
        """Dead render ``count`` pages (kept for ``join`` unless not ``keep``: then any
        page answering 200 will do), ``concurrency`` at a time."""
        errors: dict[str, int] = {}
        state = {"phase": "dead render", "done": 0, "count": count}
        reporter = asyncio.create_task(self._report(state))
        started = time.perf_counter()
        try:
            pool = wire.HttpPool(self.host, self.port, concurrency)
            try:
                async with asyncio.timeout(within):

                    async def render() -> None:
                        try:
                            if keep:
                                self.deads.append(await wire.dead_render(pool, self.base, path))
                            else:
                                await wire.page_load(pool, path)
                        except Exception as exc:
                            _count_error(errors, exc)
                        state["done"] += 1

                    await asyncio.gather(*(render() for _ in range(count)))
            finally:
                pool.close()
        except TimeoutError:
            _count_error(errors, TimeoutError(f"dead renders unfinished after {within:.0f}s"))
        finally:
            reporter.cancel()
        return {"errors": errors, "started": started, "ended": time.perf_counter()}

    async def join(
        self, echo: int = 0, concurrency: int = 256, within: float = 600.0, echo_path: str = "/"
    ) -> dict[str, Any]:
        """Connect and join every rendered page at once (or ``echo`` bare sockets on
        ``echo_path``)."""
        errors: dict[str, int] = {}
        deads, self.deads = self.deads, []
        count = echo or len(deads)
        state = {"phase": "join", "done": 0, "count": count}
        reporter = asyncio.create_task(self._report(state))
        limit = asyncio.Semaphore(concurrency)

        async def connect(dead: wire.DeadPage | None) -> None:
            async with limit:
                try:
                    page = await (self._join(dead) if dead is not None else self._echo(echo_path))
                    self.pages.append(page)
                except Exception as exc:
                    _count_error(errors, exc)
                state["done"] += 1

        started = time.perf_counter()
        try:
            async with asyncio.timeout(within):
                targets: list[wire.DeadPage | None] = [None] * echo if echo else list(deads)
                await asyncio.gather(*(connect(d) for d in targets))
        except TimeoutError:
            _count_error(errors, TimeoutError(f"joins unfinished after {within:.0f}s"))
        finally:
            reporter.cancel()
        ended = time.perf_counter()
        if self.heartbeat_task is None:
            self.heartbeat_task = asyncio.create_task(self._heartbeats())
        return {
            "joined": state["done"] - sum(errors.values()),
            "open": sum(not p.closed for p in self.pages),
            "errors": errors,
            "started": started,
            "ended": ended,
        }

    async def crowd(
        self, path: str, count: int, in_flight: int, heartbeat: float, within: float = 600.0
    ) -> dict[str, Any]:
        """Pages arrive as a crowd does: ``in_flight`` of them at once, each a dead
        render, a socket and a join, the next starting as soon as one is done (no
        batches). Each page sends a heartbeat every ``heartbeat`` seconds from the
        moment its socket opens, as ``phoenix.js`` does, and is kept even if it
        later drops (``drops`` counts those)."""
        errors: dict[str, int] = {}
        state = {"phase": "crowd", "done": 0, "count": count}
        reporter = asyncio.create_task(self._report(state))
        pool = wire.HttpPool(self.host, self.port, in_flight)
        slots = asyncio.Semaphore(in_flight)
        joined = 0

        async def arrive() -> None:
            nonlocal joined
            async with slots:
                page: WatchedPage | None = None
                try:
                    dead = await wire.dead_render(pool, self.base, path)
                    page = await self._connect(wire.socket_path(dead), dead.cookie)
                    page.beat_every(heartbeat, self.beats)
                    self.pages.append(page)  # kept from here: a drop mid-join counts
                    await wire.join(page, dead)
                    joined += 1
                except Exception as exc:
                    _count_error(errors, exc)
                    if page is not None and page.dropped is None:  # refused, not dropped
                        page.close()
                        if page in self.pages:
                            self.pages.remove(page)
                state["done"] += 1

        started = time.perf_counter()
        try:
            async with asyncio.timeout(within):
                await asyncio.gather(*(arrive() for _ in range(count)))
        except TimeoutError:
            _count_error(errors, TimeoutError(f"crowd unfinished after {within:.0f}s"))
        finally:
            reporter.cancel()
            pool.close()
        return {
            "joined": joined,
            "open": sum(not p.closed for p in self.pages),
            "errors": errors,
            "started": started,
            "ended": time.perf_counter(),
        }

    async def drops(self) -> dict[str, Any]:
        """Pages the server closed, by its close reason, and the heartbeats' round trips."""
        reasons: dict[str, int] = {}
        for page in self.pages:
            if page.dropped is not None:
                reasons[page.dropped] = reasons.get(page.dropped, 0) + 1
        beats, self.beats = sorted(self.beats), []
        summary = {}
        if beats:
            # A summary, not the samples: the answer must fit the pipe to the orchestrator.
            at = lambda f: beats[min(len(beats) - 1, int(f * len(beats)))]  # noqa: E731
            summary = {"p50": at(0.5), "p99": at(0.99), "max": beats[-1], "count": len(beats)}
        return {"dropped": sum(reasons.values()), "reasons": reasons, "beats": summary}

    async def _join(self, dead: wire.DeadPage | None) -> WatchedPage:
        assert dead is not None
        page = await self._connect(wire.socket_path(dead), dead.cookie)
        try:
            await wire.join(page, dead)
        except BaseException:
            page.close()
            raise
        return page

    async def _echo(self, path: str) -> WatchedPage:
        page = await self._connect(path, None)
        future, _ = page.request(ECHO_FRAME_TOPIC, "ping", {}, join_ref=None)
        await future
        return page

    async def _connect(self, path: str, cookie: str | None) -> WatchedPage:
        loop = asyncio.get_running_loop()
        url = f"ws://{self.host}:{self.port}{path}"
        _, page = await loop.create_connection(
            lambda: WatchedPage(url, self.base, cookie), self.host, self.port
        )
        await page.opened
        return page

    async def _report(self, state: dict[str, Any]) -> None:
        while True:
            await asyncio.sleep(2.0)
            progress(
                f"  [{self.label}] {state['phase']}: {state['done']}/{state['count']},"
                f" {len(self.pages)} pages open"
            )

    async def _heartbeats(self) -> None:
        """What phoenix.js does every 30 s, so the server keeps idle pages."""
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            for i, page in enumerate(list(self.pages)):
                try:
                    page.heartbeat()
                except wire.ProtocolError:
                    pass
                if i % 500 == 499:
                    await asyncio.sleep(0)

    # -- measurements ----------------------------------------------------------

    async def click(
        self,
        clients: int,
        clicks: int,
        event: str = "inc",
        within: float = 120.0,
        echo: bool = False,
    ) -> dict[str, Any]:
        """``clients`` pages each click ``clicks`` times, one after another (``echo``:
        bare sockets, whose answer is the frame itself)."""
        latencies: list[float] = []
        errors: dict[str, int] = {}
        sample: list[str] = []

        async def one(page: WatchedPage) -> None:
            for _ in range(clicks):
                payload = {"type": "click", "event": event, "value": {}}
                future, sent = page.request(page.topic, "event", payload)
                frame, raw, arrived = await future
                response = frame[4]
                if not echo and (
                    response.get("status") != "ok" or "diff" not in response.get("response", {})
                ):
                    key = raw.decode()[:300]
                    errors[key] = errors.get(key, 0) + 1
                    continue
                latencies.append(arrived - sent)
                if not sample:
                    sample.append(raw.decode())

        live = [p for p in self.pages if not p.closed][:clients]
        started = time.perf_counter()
        try:
            async with asyncio.timeout(within):
                await asyncio.gather(*(one(p) for p in live))
        except TimeoutError:
            errors["timeout"] = errors.get("timeout", 0) + 1
        ended = time.perf_counter()
        return {
            "latencies": latencies,
            "started": started,
            "ended": ended,
            "errors": errors,
            "sample": sample[0] if sample else None,
            "clients": len(live),
        }

    async def arm(self, marker: str) -> dict[str, Any]:
        watcher = Watch(target=sum(not p.closed for p in self.pages))
        needle = marker.encode()
        for page in self.pages:
            page.watch, page.arrived, page.watcher = needle, None, watcher
        return {"target": watcher.target}

    async def submit(self, event: str, value: str, within: float = 30.0) -> dict[str, Any]:
        """Submit a form on the first page, as ``phx-submit`` does."""
        page = next(p for p in self.pages if not p.closed)
        payload = {"type": "form", "event": event, "value": value, "meta": {}}
        future, sent = page.request(page.topic, "event", payload)
        async with asyncio.timeout(within):
            frame, raw, _ = await future
        return {"sent": sent, "status": frame[4].get("status"), "reply": raw.decode()[:300]}

    async def shout(self, marker: str, within: float = 30.0) -> dict[str, Any]:
        """The first bare socket asks the echo app to tell its room ``marker``."""
        page = next(p for p in self.pages if not p.closed)
        payload = {"body": marker}
        future, sent = page.request(ECHO_FRAME_TOPIC, "broadcast", payload, join_ref=None)
        async with asyncio.timeout(within):
            await future
        return {"sent": sent, "status": "ok", "reply": ""}

    async def collect(self, within: float = 60.0) -> dict[str, Any]:
        """Wait (bounded) until every page saw the armed marker; their arrival times."""
        watcher = next((p.watcher for p in self.pages if p.watcher is not None), None)
        if watcher is not None:
            try:
                async with asyncio.timeout(within):
                    await watcher.done.wait()
            except TimeoutError:
                pass
        arrivals = [p.arrived for p in self.pages if p.arrived is not None]
        missing = sum(1 for p in self.pages if p.arrived is None and not p.closed)
        for page in self.pages:
            page.watch, page.watcher = None, None
        return {"arrivals": arrivals, "missing": missing}

    async def count(self) -> dict[str, Any]:
        return {"open": sum(not p.closed for p in self.pages)}

    async def ids(self) -> dict[str, Any]:
        """The element ids of the open pages (the state store's keys)."""
        return {"ids": [p.topic.removeprefix("lv:") for p in self.pages if not p.closed]}

    async def close(self) -> dict[str, Any]:
        pages, self.pages = self.pages, []
        for i, page in enumerate(pages):
            page.close()
            if i % 500 == 499:
                await asyncio.sleep(0)
        await asyncio.sleep(0.2)
        return {"closed": len(pages)}


Command = tuple[str, dict[str, Any]]


def _worker(conn: multiprocessing.connection.Connection, label: str, base: str, port: int) -> None:
    raise_fd_limit()
    uvloop.run(_serve(conn, Fleet(label, base, port)))


async def _serve(conn: multiprocessing.connection.Connection, fleet: Fleet) -> None:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[Command] = asyncio.Queue()
    loop.add_reader(conn.fileno(), lambda: inbox.put_nowait(conn.recv()))
    try:
        while True:
            name, kwargs = await inbox.get()
            if name == "stop":
                await fleet.close()
                conn.send({"stopped": True})
                return
            method: Callable[..., Awaitable[dict[str, Any]]] = getattr(fleet, name)
            try:
                conn.send(await method(**kwargs))
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                conn.send({"error": error, "trace": traceback.format_exc()})
    finally:
        loop.remove_reader(conn.fileno())
        if fleet.heartbeat_task is not None:
            fleet.heartbeat_task.cancel()


class WorkerError(RuntimeError):
    pass


class Swarm:
    """Worker processes holding pages to one server; commands go to all of them."""

    def __init__(self, label: str, base: str, port: int, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.label = label
        self.links: list[multiprocessing.connection.Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for i in range(workers):
            parent, child = context.Pipe()
            name = f"{label}:{i}" if workers > 1 else label
            process = context.Process(target=_worker, args=(child, name, base, port), daemon=True)
            process.start()
            child.close()
            self.links.append(parent)
            self.processes.append(process)

    def __len__(self) -> int:
        return len(self.links)

    def call(
        self, name: str, per_worker: list[dict[str, Any]], timeout: float
    ) -> list[dict[str, Any]]:
        for link, kwargs in zip(self.links, per_worker, strict=True):
            link.send((name, kwargs))
        deadline = time.monotonic() + timeout
        answers = []
        for i, link in enumerate(self.links):
            if not link.poll(max(0.0, deadline - time.monotonic())):
                raise WorkerError(f"worker {i} did not answer {name!r} within {timeout:.0f}s")
            answers.append(self._answer(i, link, name))
        return answers

    def all(self, name: str, timeout: float, **kwargs: Any) -> list[dict[str, Any]]:
        return self.call(name, [kwargs] * len(self), timeout)

    def one(self, name: str, timeout: float, **kwargs: Any) -> dict[str, Any]:
        self.links[0].send((name, kwargs))
        if not self.links[0].poll(timeout):
            raise WorkerError(f"worker 0 did not answer {name!r} within {timeout:.0f}s")
        return self._answer(0, self.links[0], name)

    @staticmethod
    def _answer(i: int, link: multiprocessing.connection.Connection, name: str) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = link.recv()
        except (EOFError, OSError) as exc:
            raise WorkerError(f"worker {i} died during {name!r}: {exc!r}") from exc
        if "error" in answer:
            raise WorkerError(f"worker {i} failed {name!r}: {answer['trace']}")
        return answer

    def split(self, count: int) -> list[int]:
        n = len(self)
        return [count // n + (1 if i < count % n else 0) for i in range(n)]

    def open(
        self,
        path: str | None,
        count: int,
        timeout: float,
        join_concurrency: int = 256,
        echo_path: str = "/",
    ) -> dict[str, Any]:
        """Open ``count`` more pages, split over the workers: every dead render first,
        then every join at once. ``path`` None opens bare sockets (the echo app)."""
        counts = self.split(count)
        errors: dict[str, int] = {}
        rendered: list[dict[str, Any]] = []
        if path is not None:
            per_worker = [{"path": path, "count": c, "within": timeout} for c in counts]
            rendered = self.call("render", per_worker, timeout + 30)
        echo = [{"echo": c if path is None else 0} for c in counts]
        per_worker = [
            {**e, "concurrency": join_concurrency, "within": timeout, "echo_path": echo_path}
            for e in echo
        ]
        joined = self.call("join", per_worker, timeout + 30)
        for answer in rendered + joined:
            for key, value in answer["errors"].items():
                errors[key] = errors.get(key, 0) + value
        join_seconds = max(a["ended"] for a in joined) - min(a["started"] for a in joined)
        dead_seconds = 0.0
        if rendered:
            dead_seconds = max(a["ended"] for a in rendered) - min(a["started"] for a in rendered)
        return {
            "open": sum(a["open"] for a in joined),
            "joined": sum(a["joined"] for a in joined),
            "failed": sum(errors.values()),
            "errors": errors,
            "dead_seconds": dead_seconds,
            "join_seconds": join_seconds,
        }

    def tell(self, command: str, **kwargs: Any) -> dict[str, Any]:
        """One page makes a unique marker reach the room, and when each page saw it.

        ``command`` is ``submit`` (a chat form, ``{marker}`` in its ``value``) or
        ``shout`` (a bare socket in the echo app's room, ``marker="{marker}"``).
        Arrivals are seconds after the send; ``missing`` counts open pages that
        never saw it."""
        marker = f"bench{uuid.uuid4().hex[:12]}"
        target = sum(a["target"] for a in self.all("arm", 30, marker=marker))
        args = {k: v.format(marker=marker) if isinstance(v, str) else v for k, v in kwargs.items()}
        sent = self.one(command, 60, **args)
        if sent["status"] != "ok":
            return {"error": f"send refused: {sent['reply']}"}
        answers = self.all("collect", 90, within=60)
        return {
            "target": target,
            "arrivals": [t - sent["sent"] for a in answers for t in a["arrivals"]],
            "missing": sum(a["missing"] for a in answers),
        }

    def stop(self) -> None:
        for link in self.links:
            try:
                link.send(("stop", {}))
            except OSError:
                pass
        for link, process in zip(self.links, self.processes, strict=True):
            try:
                if link.poll(30):
                    link.recv()
            except (OSError, EOFError):
                pass
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(5)
            link.close()

    def __enter__(self) -> Swarm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def clicks(
    swarm: Swarm, clients: int, count: int, within: float = 120.0, echo: bool = False
) -> tuple[list[float], dict[str, int], float, str | None]:
    """``clients`` pages click ``count`` times each, one click in flight per page
    (``echo``: bare sockets): (latencies, errors, elapsed seconds, a sample reply frame)."""
    per_worker = [
        {"clients": c, "clicks": count, "within": within, "echo": echo}
        for c in swarm.split(clients)
    ]
    answers = swarm.call("click", per_worker, within + 30)
    latencies = [t for a in answers for t in a["latencies"]]
    errors: dict[str, int] = {}
    for answer in answers:
        for key, value in answer["errors"].items():
            errors[key] = errors.get(key, 0) + value
    elapsed = max(a["ended"] for a in answers) - min(a["started"] for a in answers)
    sample = next((a["sample"] for a in answers if a["sample"]), None)
    return latencies, errors, elapsed, sample
