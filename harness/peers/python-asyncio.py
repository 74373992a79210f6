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

With --connections fresh each fetch opens its own session, as the article's
code does (`async with aiohttp.ClientSession()` inside fetch): a new
connection, and over https a full TLS handshake, for every request.
"""
import asyncio
import concurrent.futures
import os
import signal
import socket
import ssl
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


class TimedSSLObject(ssl.SSLObject):
    """The TLS state asyncio drives for a connection (SSLContext's
    sslobject_class), noting when the handshake began (the TCP connection
    was up: the first call sends the ClientHello) and when it ended. aiohttp
    times its connect and handshake as one step; this splits them."""
    began_ns = done_ns = 0

    def do_handshake(self):
        if not self.began_ns:
            self.began_ns = peer.now_ns()
        super().do_handshake()           # raises until the handshake is done
        self.done_ns = peer.now_ns()


class Response(aiohttp.ClientResponse):
    """aiohttp's response, keeping its connection's TLS object: aiohttp lets
    go of the connection as soon as the body is in, for a small body before
    the code reading it runs."""
    ssl_object = None

    async def start(self, connection):
        self.ssl_object = connection.transport.get_extra_info("ssl_object")
        return await super().start(connection)


class FaultResolver(aiohttp.abc.AbstractResolver):
    """The TLS faults' names (unknown-ca.fetchlab.test, ...) resolve to the
    server's own host; aiohttp still asks for the name (SNI) and checks the
    certificate against it. Any other name resolves as aiohttp would."""

    def __init__(self, server_host):
        self.server_host = server_host
        self.resolver = aiohttp.resolver.DefaultResolver()

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if not host.endswith(peer.TLS_NAME):
            return await self.resolver.resolve(host, port, family)
        addrs = await self.resolver.resolve(self.server_host, port, family)
        for a in addrs:
            a["hostname"] = host         # what it connects for: SNI, verification
        return addrs

    async def close(self):
        await self.resolver.close()


def new_session(run, tools, limit):
    """A ClientSession over its own connector of LIMIT connections, with
    TOOLS: (the TLS context, the resolver, the trace)."""
    context, resolver, trace = tools
    connector = aiohttp.TCPConnector(limit=limit, ssl=context, resolver=resolver)
    # auto_decompress=False: a body counts the bytes that came, as in every
    # model; none decodes a content encoding it did not ask for.
    return aiohttp.ClientSession(
        connector=connector, auto_decompress=False, response_class=Response,
        timeout=aiohttp.ClientTimeout(total=run.opt.timeout_ns / 1e9),
        trace_configs=[trace])


def connection_trace(run):
    """A TraceConfig that tells a request (its trace_request_ctx) it opened
    a new connection, and counts it. Over plain http the connection is up
    then; over https its TLS object says when TCP was up and TLS done."""
    async def on_connection_create_end(session, ctx, params):
        run.opened()
        run.connected(ctx.trace_request_ctx, peer.now_ns())

    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(on_connection_create_end)
    return trace


async def get(run, session, req):
    """GET REQ on SESSION: its head and its body, as they arrive."""
    # As every model: a 3xx is the answer, not followed.
    async with session.get(run.target(req).url, allow_redirects=False,
                           trace_request_ctx=req) as resp:
        tls = resp.ssl_object
        if req.tcp_ns and tls is not None:   # its own connection, over https
            run.connected(req, tls.began_ns, tls.done_ns, tls.session_reused)
        run.got_headers(req, resp.status)
        async for chunk in resp.content.iter_any():
            run.got_body(req, chunk)


def reset_in_handshake(run, e):
    """A TCP connect is refused or times out, never reset: over https a
    reset in aiohttp's connect step came in the TLS handshake."""
    return run.tls and isinstance(e.os_error, (ConnectionResetError, ConnectionAbortedError,
                                                BrokenPipeError))


async def fetch(run, session, tools, sem, lanes, pool, req):
    """Perform REQ once a slot of the semaphore is free (on SESSION, or with
    --connections fresh on a session of its own), process its response
    (--work: here on the loop, or in POOL), and record it."""
    async with sem:
        if run.interrupted:
            return                       # never claimed: not in the report
        lane = lanes.pop()               # which of the C slots runs it
        run.begin(req, lane)
        error = text = None
        try:
            if run.opt.fresh:
                # The article's fetch: a session, so a connection, per request.
                async with new_session(run, tools, 1) as fresh:
                    await get(run, fresh, req)
            else:
                await get(run, session, req)
        except asyncio.TimeoutError:     # before ClientError: aiohttp's timeouts are both
            error, text = "timeout", "timed out after --timeout"
        except aiohttp.ClientSSLError as e:   # certificate or handshake: a connection made
            run.opened()
            error, text = "tls", str(e)
        except aiohttp.ClientConnectorError as e:
            if reset_in_handshake(run, e):
                run.opened()
                error, text = "tls", "reset in the TLS handshake: %s" % e
            else:
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
    if run.tls:
        run.ssl.sslobject_class = TimedSSLObject
    # aiohttp cannot resume a TLS session: asyncio never passes one to the
    # SSLObject, so every handshake here is a full one.
    tools = (run.ssl, FaultResolver(run.server_host), connection_trace(run))
    pool = None
    if run.opt.offload == "thread":
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count())
    elif run.opt.offload == "process":
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=os.cpu_count())
    async with new_session(run, tools, c) as session:
        work = asyncio.gather(*(fetch(run, session, tools, sem, lanes, pool, req)
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
