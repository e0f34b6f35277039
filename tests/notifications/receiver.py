"""A real HTTP receiver on the loopback interface, standing in for Slack's or Teams' incoming webhook.

``behaviours`` is a list consumed one request at a time: an int answers with that status, a float
sleeps that many seconds before answering 200 (longer than the client's timeout: a timeout). When the
list is exhausted every request gets 200. Every request body received is kept in ``received``.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, behaviours=()):
        self.behaviours = list(behaviours)
        self.received: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append(json.loads(body or b"{}"))
                    behaviour = receiver.behaviours.pop(0) if receiver.behaviours else 200
                if isinstance(behaviour, float):
                    time.sleep(behaviour)
                    behaviour = 200
                try:
                    self.send_response(behaviour)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"ok" if behaviour < 300 else b"invalid_payload")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
