"""A Python `websockets` upstream for the gateway tests: echo, report what the handshake carried, close on request.

Prints "PORT <n>" once listening. Paths: /echo (echo; a text "close:<code>:<reason>" makes it close
with that code), /whoami (sends the path, query and headers it saw as JSON), /deny (401).
"""
import asyncio
import http
import json
import sys

import websockets


async def process_request(path, request_headers):
    if path.startswith("/deny"):
        return (http.HTTPStatus.UNAUTHORIZED, [("WWW-Authenticate", 'Basic realm="py"')], b"denied")
    return None


async def handler(ws, path):
    if path.startswith("/whoami"):
        await ws.send(json.dumps({"path": path, "headers": dict(ws.request_headers.raw_items()), "subprotocol": ws.subprotocol}))
    async for msg in ws:
        if isinstance(msg, str) and msg.startswith("close:"):
            _, code, reason = msg.split(":", 2)
            await ws.close(int(code), reason)
            return
        await ws.send(msg)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, process_request=process_request, subprotocols=["v12.stomp", "v11.stomp"], compression=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
