"""A real HTTP receiver on loopback, in a thread: what an integrator's endpoint does, scripted per request."""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """``script`` says how to answer each request in turn: an HTTP status, or ("sleep", seconds) to answer
    too late; once it runs out every request gets ``then`` (200)."""

    script: list = field(default_factory=list)
    then: int = 200
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    arrived: threading.Event = field(default_factory=threading.Event)

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            self.arrived.wait(0.1)
            self.arrived.clear()
        return self.requests


@contextlib.contextmanager
def running_receiver(script=(), then: int = 200):
    receiver = Receiver(script=list(script), then=then)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                step = receiver.script.pop(0) if receiver.script else receiver.then
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            receiver.arrived.set()
            if isinstance(step, tuple) and step[0] == "sleep":
                time.sleep(step[1])
                step = 200
            self.send_response(step)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if step < 300 else b"receiver says no")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/throughline"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
