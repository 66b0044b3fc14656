import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AuraError, type ErrorCode } from "../core/errors.js";
import { loggerFor } from "../log/env-logger.js";
import { errorFields } from "../log/error-fields.js";

/**
 * The one error handler: every failure leaves as `{"error":{"code","message"}}`. A
 * `rate_limited` error whose details carry `retry_after` (seconds) also sets `retry-after`.
 */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AuraError) {
    const retryAfter = retryAfterOf(err);
    if (retryAfter !== undefined) c.header("retry-after", String(retryAfter));
    return c.json(err.toBody(), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    return c.json({ error: { code: errorCodeOf(err), message: err.message } }, err.status);
  }
  loggerFor(c.env).log("error", "unhandled_error", {
    method: c.req.method,
    ...errorFields(err),
  });
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}

/**
 * The code a failure answers with: an `AuraError`'s own; for Hono's `HTTPException`, by its
 * status; `internal` for anything else.
 */
export function errorCodeOf(err: Error): ErrorCode {
  if (err instanceof AuraError) return err.code;
  if (err instanceof HTTPException) {
    if (err.status === 413) return "payload_too_large";
    if (err.status === 401) return "unauthorized";
    return "invalid_request";
  }
  return "internal";
}

/** Unknown routes. */
export function notFound(c: Context): Response {
  return c.json(
    {
      error: {
        code: "not_found",
        message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      },
    },
    404,
  );
}

/** Whole seconds to wait, from a `rate_limited` error's `details.retry_after`. */
function retryAfterOf(err: AuraError): number | undefined {
  if (err.code !== "rate_limited" || typeof err.details !== "object" || err.details === null) {
    return undefined;
  }
  const seconds = (err.details as { retry_after?: unknown }).retry_after;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0
    ? Math.ceil(seconds)
    : undefined;
}
