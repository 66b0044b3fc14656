import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AuraError } from "../core/errors.js";

/** The one error handler: every failure leaves as `{"error":{"code","message"}}`. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AuraError) {
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
