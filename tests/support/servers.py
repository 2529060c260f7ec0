"""Live servers for protocol tests: a real ``clustergraph serve`` process on a free port."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from clustergraph.serve_process import ServerProcess as LiveServer
from clustergraph.serve_process import free_port, start_serve_process

__all__ = ["LiveServer", "free_port", "start_server"]


def start_server(tmp_path: Path, *, port: int | None = None, **env: str) -> LiveServer:
    """``clustergraph serve`` on the bundled data in memory, with ``env`` on top, on ``port`` (or a
    free one); waits until it answers."""
    environment = {**os.environ, "CLUSTERGRAPH_STORE": "memory", **env}
    return start_serve_process(environment, tmp_path / f"server-{uuid.uuid4().hex[:8]}.log", port=port)
