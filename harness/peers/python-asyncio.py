#!/usr/bin/python3
"""python-asyncio - the workload the way the Python lesson does it with
asyncio: one coroutine per request, all handed to asyncio.gather, at most C
of them past an asyncio.Semaphore(C), all sharing one aiohttp.ClientSession
whose connector keeps up to C keep-alive connections. The twin of
fetch-eventloop: one thread, one event loop, C requests in flight.

With --work each response costs pure-Python CPU time. Done in the coroutine,
on the loop, it stalls every other request; --offload hands it to
loop.run_in_executor: a thread pool (the GIL still lets one run at a time)
or a process pool (in parallel, for the price of sending it over), a worker
a core: fetch-offload's uv_queue_work, in Python.

With --uvloop the same code runs on uvloop, asyncio's event loop rewritten
on libuv (the loop fetch-eventloop uses): the loop gets faster, aiohttp's
Python per request does not.
"""
import asyncio
import concurrent.futures
import os
import signal
import sys
import threading

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
import fetchlab_peer as peer      # noqa: E402

NAME = "python-asyncio"
SUMMARY = "asyncio.gather + aiohttp under a Semaphore(C): the Python lesson's event loop"

try:
    import aiohttp
except ImportError:
    print("%s: skipped: python3-aiohttp is not installed "
          "(apt-get install python3-aiohttp)" % NAME, file=sys.stderr)
    sys.exit(peer.SKIP)


async def fetch(run, session, sem, lanes, pool, req):
    """Perform REQ once a slot of the semaphore is free, process its
    response (--work: here on the loop, or in POOL), and record it."""
    async with sem:
        if run.interrupted:
            return                       # never claimed: not in the report
        lane = lanes.pop()               # which of the C slots runs it
        run.begin(req, lane)
        error = text = None
        try:
            # As every model: a 3xx is the answer, not followed.
            async with session.get(run.target(req).url, allow_redirects=False) as resp:
                run.got_headers(req, resp.status)
                async for chunk in resp.content.iter_any():
                    run.got_body(req, chunk)
        except asyncio.TimeoutError:     # before ClientError: aiohttp's timeouts are both
            error, text = "timeout", "timed out after --timeout"
        except aiohttp.ClientConnectorError as e:
            error, text = "connect", str(e)
        except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError,
                aiohttp.ClientOSError) as e:
            error, text = "recv", str(e) or type(e).__name__
        except aiohttp.ClientResponseError as e:
            # Raised by the parser (we never call raise_for_status): not
            # HTTP, a bad status line, bad lengths or chunks, a head too big.
            error, text = "recv", "%s: %s" % (type(e).__name__, e.message)
        except asyncio.CancelledError:
            run.done(req, "other", "cancelled: the run was interrupted")
            lanes.append(lane)
            return
        except Exception as e:           # anything else still ends in a class
            error, text = "other", "%s: %s" % (type(e).__name__, e)
        try:
            if pool is None or not req.work_ns:
                run.work(req)            # on the loop: every other coroutine waits
            else:
                out = await asyncio.get_running_loop().run_in_executor(
                    pool, peer.work_steps, *run.work_args(req))
                run.worked_elsewhere(req, out)
            run.done(req, error, text)
        except asyncio.CancelledError:
            run.done(req, "other", "cancelled: the run was interrupted")
        finally:
            lanes.append(lane)


async def perform_all(run):
    """The lesson's shape: one session, a semaphore, gather over them all."""
    c = run.opt.concurrency
    loop = type(asyncio.get_running_loop())
    run.loop_name = "%s.%s" % (loop.__module__.split(".")[0], loop.__name__)
    sem = asyncio.Semaphore(c)
    lanes = list(range(c - 1, -1, -1))
    connector = aiohttp.TCPConnector(limit=c)
    timeout = aiohttp.ClientTimeout(total=run.opt.timeout_ns / 1e9)
    pool = None
    if run.opt.offload == "thread":
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count())
    elif run.opt.offload == "process":
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count())
    # auto_decompress=False: a body counts the bytes that came, as in every
    # model; none decodes a content encoding it did not ask for.
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     auto_decompress=False) as session:
        work = asyncio.gather(*(fetch(run, session, sem, lanes, pool, req)
                                for req in run.reqs))

        def on_sigint():
            # Stop claiming, cancel what is in flight; a second Ctrl-C kills.
            run.interrupted = True
            asyncio.get_running_loop().remove_signal_handler(signal.SIGINT)
            work.cancel()

        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, on_sigint)
        try:
            await work
        except asyncio.CancelledError:
            if not run.interrupted:
                raise
        # Executor threads (name resolution, --offload thread) count too.
        run.threads = threading.active_count()
    if pool is not None:
        pool.shutdown(wait=True)   # joined: their CPU counts as ours


def perform(run):
    if not run.opt.uvloop:
        asyncio.run(perform_all(run))
        return
    try:
        import uvloop
    except ImportError:
        print("%s: skipped: --uvloop needs python3-uvloop (apt-get install "
              "python3-uvloop)" % NAME, file=sys.stderr)
        sys.exit(peer.SKIP)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(perform_all(run))


if __name__ == "__main__":
    sys.exit(peer.main(NAME, SUMMARY, perform, offload=True))
