import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AuraError } from "../core/errors.js";

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
    const code =
      err.status === 413
        ? "payload_too_large"
        : err.status === 401
          ? "unauthorized"
          : "invalid_request";
    return c.json({ error: { code, message: err.message } }, err.status);
  }
  console.error("unhandled error", err);
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
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
