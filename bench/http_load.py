"""Payments over HTTP under the README's production serving, against a trivial FastAPI POST
served the same way, with the load from ANOTHER process (wrk), on PostgreSQL (fsync on), in a
throw-away schema (issue 12's HTTP and RSS rows):

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.http_load \\
        [--workers 2] [--connections 16,64] [--seconds 10] [--wrk-threads 2]

- app: ``steelyard serve --workers N --no-scheduler`` (N uvicorn processes on the app factory;
  the serving process projects), each request ``POST /api/v1/funds/{company}/payments`` as
  finance with a bearer token and a fresh bank reference, spread over 512 companies.
- baseline: ``uvicorn --factory bench.http_load:trivial_app --workers N`` (the same uvicorn, the
  same number of processes): a plain ``def`` POST (FastAPI's threadpool, as Steelyard's routes)
  validating a small pydantic body like the payment's and answering 201 with a small JSON.
- wrk (Debian package ``wrk``) drives both, a Lua script (written next to the run) making each
  request's body and headers; a request counts only if it answered 201.
- peak RSS: ``VmHWM`` of each API worker process (``/proc/<pid>/status``) after the app's load.

The serving processes log as in production (one JSON line per request), to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field

from bench.common import client_counts, loaded_machine_note, postgres_settings, ratio, table
from bench.common import throwaway_schema as schema_for
from bench.funds import open_companies
from domain import context
from domain.context import CommandContext, Role
from interfaces.config import Settings
from interfaces.wiring import Services

PASSWORD = "Bench-pass-1"
FINANCE_PHONE = "13900000002"
OPERATOR_PHONE = "13900000001"
COMPANIES = 512
ROOT = Path(__file__).resolve().parent.parent
# the `steelyard` console script, run by this interpreter (not through a script's shebang line)
STEELYARD = (
    "import sys; from interfaces.cli import main; sys.argv[0] = 'steelyard'; sys.exit(main())"
)


# ---- the baseline: a trivial FastAPI POST --------------------------------------------------


class TrivialBody(BaseModel):
    amount: str = Field(max_length=24)
    bank_reference: str = Field(max_length=64)
    category: str | None = None


class TrivialAnswer(BaseModel):
    id: str
    amount: str


def trivial_app() -> FastAPI:
    """The baseline's app factory (``uvicorn --factory bench.http_load:trivial_app``)."""
    app = FastAPI()

    @app.post("/api/v1/funds/{company_id}/payments", status_code=201, response_model=TrivialAnswer)
    def pay(company_id: uuid.UUID, body: TrivialBody) -> TrivialAnswer:
        return TrivialAnswer(id=str(company_id), amount=body.amount)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


# ---- serving ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(settings: Settings) -> dict[str, str]:
    pg = settings.postgres
    return {
        **os.environ,
        "STEELYARD_PERSISTENCE": "postgres",
        "POSTGRES_HOST": pg.host,
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_DBNAME": pg.dbname,
        "POSTGRES_USER": pg.user,
        "POSTGRES_PASSWORD": pg.password,
        "POSTGRES_SCHEMA": pg.schema,
        "STEELYARD_SECRET_KEY": settings.secret_key,
        "STEELYARD_PASSWORD_HASH_COST": "fast",
    }


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """Start a server process (its own process group), wait for /healthz, yield its pid."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                if proc.poll() is not None:
                    sys.exit(f"server exited ({proc.returncode}); see {log}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit(f"server did not answer /healthz in 180 s; see {log}")
                time.sleep(0.3)
            time.sleep(2)  # every worker up, not only the first
            yield proc.pid
        finally:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGINT to the server's process group (uvicorn stops its workers), SIGKILL after 30 s."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass  # it had exited already
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in task.read_text().split()]
            except OSError:
                continue
            found.extend(kids)
            todo.extend(kids)
    return found


def status_kb(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def api_workers(pid: int) -> list[int]:
    """The uvicorn worker processes under a server (not multiprocessing's resource tracker)."""
    workers = []
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:
            workers.append(child)
    return workers


# ---- load --------------------------------------------------------------------------------------

LUA = """
local companies = {%(companies)s}
local token = "%(token)s"
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  ok = 0
  bad = 0
  last_bad = ""
end
function request()
  n = n + 1
  local company = companies[((tid * 7919 + n) %% #companies) + 1]
  local body = string.format('{"amount": "1000.00", "bank_reference": "W%(run)s-%%d-%%d"}', tid, n)
  return wrk.format("POST", "/api/v1/funds/" .. company .. "/payments",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
function response(status, headers, body)
  if status == 201 then ok = ok + 1 else bad = bad + 1; last_bad = status .. " " .. body end
end
function done(summary, latency, requests)
  local o, b, last = 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); b = b + t:get("bad")
    if t:get("last_bad") ~= "" then last = t:get("last_bad") end
  end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", o, b, summary.duration,
    latency:percentile(50), latency:percentile(99)))
  if last ~= "" then io.write("LAST_BAD " .. string.sub(last, 1, 300) .. "\\n") end
end
"""


@dataclass(frozen=True)
class Load:
    ok_per_s: float
    bad: int
    p50_ms: float
    p99_ms: float
    last_bad: str


def wrk(
    port: int, script: Path, connections: int, seconds: float, threads: int, wrk_bin: str
) -> Load:
    out = subprocess.run(
        [
            wrk_bin, f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds:g}s",
            "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}",
        ],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    match = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.MULTILINE)
    if match is None:
        sys.exit(f"wrk said:\n{out}")
    ok, bad, duration_us, p50, p99 = (int(g) for g in match.groups())
    last = re.search(r"^LAST_BAD (.*)$", out, re.MULTILINE)
    return Load(
        ok / (duration_us / 1e6), bad, p50 / 1000, p99 / 1000, last.group(1) if last else ""
    )


def prepare(settings: Settings) -> list[uuid.UUID]:
    """Companies with funds accounts, and a finance login's token (signed by the bench's key)."""
    services = Services.build(settings)
    try:
        with context.acting(CommandContext(request_id="bench")):
            services.identity.enroll_staff(
                OPERATOR_PHONE, "operator", Role.OPERATOR, "east", PASSWORD
            )
            services.identity.enroll_staff(FINANCE_PHONE, "finance", Role.FINANCE, "east", PASSWORD)
        companies = open_companies(services.ledger, COMPANIES)
    finally:
        services.close()
    return companies


def token_for(port: int) -> str:
    answer = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/auth/token",
        data={"username": FINANCE_PHONE, "password": PASSWORD},
        timeout=30,
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def main() -> None:
    parser = argparse.ArgumentParser(description="payments over HTTP ÷ a trivial FastAPI POST")
    parser.add_argument("--workers", type=int, default=2, help="API worker processes (2)")
    parser.add_argument("--connections", default="16,64", help="wrk connections (16,64)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement (10)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (2)")
    args = parser.parse_args()
    wrk_bin = shutil.which("wrk")
    if wrk_bin is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    counts = client_counts(args.connections)
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    results: dict[tuple[str, int], Load] = {}
    rss: dict[int, tuple[int, int]] = {}
    with schema_for(postgres_settings(pool_size=20)) as settings:
        companies = prepare(settings)
        env = server_env(settings)
        env["POSTGRES_POOL_SIZE"] = "20"
        python = str(Path(sys.executable))
        port = free_port()
        app_command = [
            python, "-c", STEELYARD, "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(args.workers), "--no-scheduler",
        ]  # fmt: skip
        with serving(app_command, env, port, work / "app.log") as pid:
            script = work / "payments.lua"
            script.write_text(
                LUA
                % {
                    "companies": ",".join(f'"{c}"' for c in companies),
                    "token": token_for(port),
                    "run": uuid.uuid4().hex[:8],
                }
            )
            wrk(port, script, 4, 1, 1, wrk_bin)  # warm up: pools, caches, statements
            for n in counts:
                results[("app", n)] = wrk(port, script, n, args.seconds, args.wrk_threads, wrk_bin)
            rss = {w: (status_kb(w, "VmHWM"), status_kb(w, "VmRSS")) for w in api_workers(pid)}
        port = free_port()
        trivial_command = [
            python, "-m", "uvicorn", "--factory", "bench.http_load:trivial_app", "--host",
            "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
        ]  # fmt: skip
        with serving(trivial_command, env, port, work / "trivial.log"):
            wrk(port, script, 4, 1, 1, wrk_bin)
            for n in counts:
                results[("trivial", n)] = wrk(
                    port, script, n, args.seconds, args.wrk_threads, wrk_bin
                )
    print(loaded_machine_note(args.seconds))
    print(
        f"\nHTTP POST /api/v1/funds/{{company}}/payments, {args.workers} API workers, "
        f"load from wrk "
        f"({args.wrk_threads} threads, another process); logs in {work}"
    )
    rows = [
        ("connections", "app 201/s", "app p50/p99 ms", "trivial 201/s", "trivial p50/p99 ms",
         "app/trivial", "target", "non-201 app/trivial"),
    ]  # fmt: skip
    for n in counts:
        app, trivial = results[("app", n)], results[("trivial", n)]
        rows.append(
            (str(n), f"{app.ok_per_s:,.0f}", f"{app.p50_ms:.0f} / {app.p99_ms:.0f}",
             f"{trivial.ok_per_s:,.0f}", f"{trivial.p50_ms:.0f} / {trivial.p99_ms:.0f}",
             ratio(app.ok_per_s, trivial.ok_per_s), "≥ 0.5", f"{app.bad} / {trivial.bad}")
        )  # fmt: skip
    print(table(rows))
    for n in counts:
        if results[("app", n)].last_bad:
            print(f"  a non-201 answer ({n} connections): {results[('app', n)].last_bad}")
    if rss:
        peak = max(hwm for hwm, _ in rss.values())
        print()
        print(
            table(
                [
                    ("API worker pid", "peak RSS (VmHWM)", "RSS now", "target"),
                    *(
                        (str(w), f"{hwm / 1024:,.0f} MB", f"{now / 1024:,.0f} MB", "≤ 250 MB")
                        for w, (hwm, now) in sorted(rss.items())
                    ),
                ]
            )
        )
        print(json.dumps({"peak_rss_mb": round(peak / 1024, 1)}))


if __name__ == "__main__":
    main()
