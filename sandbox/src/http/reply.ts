import type { ServerResponse } from "node:http";
import { SandboxError } from "../errors.js";

/**
 * Sends `body` as JSON with `status`.
 *
 * @example
 * sendJson(res, 200, { status: "ok" });
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Sends an error as `{"error":{"code","message"}}`. Anything that is not a
 * {@link SandboxError} is logged and leaves as a bare 500 `internal`, so no stack or internal
 * message reaches a client.
 *
 * @example
 * sendError(res, new SandboxError("not_found", "no route for GET /x"));
 */
export function sendError(res: ServerResponse, err: unknown): void {
  const known =
    err instanceof SandboxError ? err : new SandboxError("internal", "internal sandbox error");
  if (!(err instanceof SandboxError)) console.error("sandbox: unhandled error", err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A refused body may be partly unread: closing the connection keeps the next request on it
  // from being parsed out of the leftover bytes.
  if (known.code === "payload_too_large") res.setHeader("connection", "close");
  sendJson(res, known.status, known.toBody());
}
