"""`make bench`'s load: wrk, keep-alive GETs from a few connections at once, against 127.0.0.1,
with each round's connections checked to be spread over both gunicorn workers.

The load generator it replaces was Python on the same two cores: it topped out at about 1,300 to
1,580 answers a second on the bare view, where wrk reaches 2,100 to 2,300 on the same server, so
the generator set the fastest pages' figures and flattered their ratios. wrk is C and spends
little of the cores the server needs.

wrk opens its connections all at once. On one shared listening socket, whichever gunicorn worker
the scheduler runs first takes them all (8 to 0 in most rounds on a busy machine), and a
connection stays with its worker: such a round measures one core, not the page. So the bench's
gunicorn runs with --reuse-port (each worker listens on a socket of its own, and the kernel
spreads the connections by their addresses), and each round is looked at while it runs (`ss`,
the sockets' owners): a round where a worker holds less than all but one of its share is
stopped, the server given a moment to finish what it was sent, and the round started again.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass

INSTALL = {
    "wrk": "sudo apt-get install wrk (Debian, Ubuntu), or brew install wrk (macOS)",
    "ss": "sudo apt-get install iproute2 (Debian, Ubuntu)",
}
# A round whose connections are unevenly split is started again, up to this often, after the
# server has had a moment to answer the requests of the round stopped.
TRIES = 40
DRAIN = 1.0


def require_tools(*, split_check: bool = True) -> None:
    """Stop with how to install what is missing, before anything is set up."""
    needed = ["wrk", "ss"] if split_check else ["wrk"]
    missing = [tool for tool in needed if shutil.which(tool) is None]
    if missing:
        lines = [f"  {tool}: {INSTALL[tool]}" for tool in missing]
        sys.exit("make bench BENCH_ARGS=pages needs these programs:\n" + "\n".join(lines))


@dataclass
class Result:
    per_second: float
    p50: float
    p99: float
    requests: int
    errors: int
    # Connections held by each worker while the round ran, most first; () when not checked.
    split: tuple[int, ...] = ()
    # Rounds started again because one worker held too few connections.
    redone: int = 0


def load(
    port: int,
    path: str,
    *,
    seconds: int,
    connections: int,
    workers: int = 2,
    check_split: bool = True,
) -> Result:
    """GET `path` on 127.0.0.1:`port` for `seconds` with wrk, as fast as the server answers."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-H", "Accept-Language: en", f"http://127.0.0.1:{port}{path}"]
    fair = connections // workers - 1
    for redone in range(TRIES):
        wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603
        split = _split(port, connections, workers) if check_split else ()
        if not split or split[-1] >= fair or redone == TRIES - 1:
            break
        wrk.kill()
        wrk.wait()
        time.sleep(DRAIN)
    output, _ = wrk.communicate(timeout=seconds + 60)
    if wrk.returncode:
        raise RuntimeError(f"wrk failed on {path}:\n{output}")
    result = _parsed(output, split=split, redone=redone)
    # wrk stops with a request in flight on each connection: let the server answer them before
    # the next round, which a slow page's would otherwise slow down.
    time.sleep(min(2 * result.p50, DRAIN))
    return result


def _split(port: int, connections: int, workers: int) -> tuple[int, ...]:
    """How many of the round's connections each worker holds, once they are all taken."""
    deadline = time.monotonic() + 2.0
    while True:
        listing = subprocess.run(  # noqa: S603
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # A connection still waiting in the listening queue belongs to no process yet.
        owners = Counter(re.findall(r"pid=(\d+)", listing))
        if sum(owners.values()) >= connections or time.monotonic() > deadline:
            held = sorted(owners.values(), reverse=True)
            return tuple(held + [0] * (workers - len(held)))
        time.sleep(0.05)


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def _parsed(output: str, **extra) -> Result:
    def find(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output)
        if match is None:
            if default is None:
                raise RuntimeError(f"unexpected wrk output:\n{output}")
            return default
        return match[1]

    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Result(
        per_second=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50=_seconds(find(r"\s50%\s+([\d.]+\w+)")),
        p99=_seconds(find(r"\s99%\s+([\d.]+\w+)")),
        requests=int(find(r"(\d+) requests in")),
        # An answer other than 2xx or 3xx, or a connection refused, reset or timed out.
        errors=int(find(r"Non-2xx or 3xx responses: (\d+)", "0"))
        + (sum(int(n) for n in sockets.groups()) if sockets else 0),
        **extra,
    )
