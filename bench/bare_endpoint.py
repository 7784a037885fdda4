"""The baseline: a bare Starlette endpoint that only checks the HMAC and answers 202, served on
the bot's stack (uvicorn, uvloop, httptools)."""

import hashlib
import hmac
import os
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SECRET = os.environ["WEBHOOK_SECRET"].encode()


async def webhook(request: Request) -> Response:
    body = await request.body()
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("x-hub-signature-256", "")):
        return JSONResponse({"error": "bad signature"}, status_code=401)
    return JSONResponse({"status": "queued"}, status_code=202)


app = Starlette(routes=[Route("/api/github/webhooks", webhook, methods=["POST"]),
                        Route("/healthz", lambda r: JSONResponse({"status": "ok"}))])

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bot.cli import SERVER_STACK

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), **SERVER_STACK, log_level="warning", access_log=False)
