"""The attacks of issue 12 on a running server, as a client that is not a browser would make them:
an anonymous session's file upload, a websocket from another origin, framing headers.

Shared by tests/auth/test_http_guard.py and by the before/after measurement in the report.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlparse


def session_id(url: str, *, origin: str | None = None, timeout: float = 60) -> str:
    """Open a websocket session as a browser's first visit does and close it again; the id
    Streamlit gave it (raises websockets' InvalidStatus when the server refuses the socket)."""
    return asyncio.run(_session_id(url, origin or url, timeout))


@contextmanager
def open_session(url: str, timeout: float = 60) -> Iterator[str]:
    """A session kept open (its websocket connected, as a browser tab is) while the block runs:
    Streamlit takes uploads only for a connected session."""
    found: dict[str, object] = {}
    ready, done = threading.Event(), threading.Event()

    def run() -> None:
        try:
            asyncio.run(_session_id(url, url, timeout, found=found, ready=ready, done=done))
        except Exception as exc:  # noqa: BLE001 - reported to the caller below
            found["error"] = exc
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(timeout)
    if "error" in found or "id" not in found:
        raise RuntimeError(f"no session: {found.get('error')}")
    try:
        yield str(found["id"])
    finally:
        done.set()
        thread.join(timeout)


async def _session_id(
    url: str,
    origin: str,
    timeout: float,
    *,
    found: dict | None = None,
    ready: threading.Event | None = None,
    done: threading.Event | None = None,
) -> str:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    host = urlparse(url).netloc
    async with connect(
        f"ws://{host}/_stcore/stream",
        subprotocols=["streamlit"],
        origin=origin,
        max_size=None,
        open_timeout=timeout,
        ping_interval=None,
    ) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = ""
        await ws.send(msg.SerializeToString())
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
            if forward.WhichOneof("type") == "new_session":
                sid = forward.new_session.initialize.session_id
                if found is None or ready is None or done is None:
                    return sid
                found["id"] = sid
                ready.set()
                while not done.is_set():  # keep the socket open, answering nothing
                    with suppress(TimeoutError):
                        await asyncio.wait_for(ws.recv(), 0.2)
                return sid


def websocket_accepted(url: str, origin: str, timeout: float = 30) -> bool:
    """True when the server opens a websocket whose browser says it comes from `origin`."""
    from websockets.exceptions import InvalidStatus

    try:
        session_id(url, origin=origin, timeout=timeout)
    except InvalidStatus:
        return False
    return True


def put_file(url: str, session: str, size: int, cookies: dict[str, str] | None = None) -> int:
    """PUT a file of `size` bytes into `session` as Streamlit's uploader does (XSRF token and
    all: any client can get one); the HTTP status, or RESET when the server answered and closed
    the connection before taking the body (a refusal that reads nothing)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/_stcore/health", timeout=30):
        pass  # sets the XSRF cookie
    xsrf = next((c.value for c in jar if c.name == "_streamlit_xsrf"), "")
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + b"x" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/{session}/{uuid.uuid4()}",
        data=body,
        method="PUT",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": xsrf,
            "Origin": url,
        },
    )
    if cookies:
        extra = "; ".join(f"{k}={v}" for k, v in cookies.items())
        request.add_header("Cookie", f"_streamlit_xsrf={xsrf}; {extra}")
    try:
        with opener.open(request, timeout=120) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code
    except urllib.error.URLError as err:
        if isinstance(err.reason, ConnectionResetError | BrokenPipeError):
            return RESET
        raise


RESET = 0


def headers_of(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url + "/", timeout=30) as answer:
        return {k.lower(): v for k, v in answer.headers.items()}
