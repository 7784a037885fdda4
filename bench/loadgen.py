"""A small keep-alive HTTP/1.1 load generator on raw asyncio sockets (loopback only).

Shared by the benchmarks; bounded in count and time, stops by itself.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def run_load(host: str, port: int, build_request: Callable[[int], bytes], *, total: int,
                   concurrency: int, time_limit: float = 120.0) -> LoadResult:
    counter = iter(range(total))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + time_limit

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                request = build_request(i)
                started = time.perf_counter()
                writer.write(request)
                await writer.drain()
                status = await _read_response(reader)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return LoadResult(len(latencies), time.perf_counter() - started, latencies, statuses)
