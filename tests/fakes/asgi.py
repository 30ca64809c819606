"""ASGI apps served by uvicorn on a loopback port, for fakes built on an SDK's server (the a2a-sdk
agents of tests/fakes/a2a.py) or on Starlette (tests/fakes/http_agent.py). The scripted HTTP
fakes use tests/fakes/base.py instead."""

from __future__ import annotations

import socket
import threading
from typing import Any, Self

import uvicorn


class UvicornThread:
    """An ASGI app served by uvicorn in a daemon thread on a loopback port; a context manager.
    The port is bound first (`base`), so the app can be built knowing its own URL."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def serve(self, app: Any, lifespan: str) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan,
                                                    ws="none"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        while not self.server.started:
            assert self.thread.is_alive()
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
