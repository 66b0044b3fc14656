import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Principal } from "../auth/verify-token.js";
import { loggerFor } from "../log/env-logger.js";
import type { LogFieldsInput } from "../log/fields.js";
import type { AppEnv } from "./context.js";
import { errorCodeOf } from "./on-error.js";

/**
 * One `request` line per request, once it is answered: method, route pattern, status,
 * duration, the caller's org once authenticated, the agent and transaction the route names,
 * and the error code of a failure. Never the requested path or its query (`/stream?token=`
 * carries a JWT), a header or a body. Server errors are logged at `error`, the rest at `info`.
 *
 * @example
 * app.use("*", requestLog);
 * // {"ts":"…","level":"info","event":"request","org":"acme","agent_id":"3f2a…",
 * //  "route":"/agents/:id/head","method":"GET","status":200,"duration_ms":3,"outcome":"ok"}
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const status = c.res.status;
  const fields: LogFieldsInput = {
    method: c.req.method,
    status,
    duration_ms: Math.round(performance.now() - started),
    outcome: status >= 500 ? "server_error" : status >= 400 ? "client_error" : "ok",
  };
  const route = routeOf(c);
  if (route !== undefined) fields.route = route;
  const principal = c.get("principal") as Principal | undefined;
  if (principal !== undefined) fields.org = principal.org;
  const agentId =
    c.req.param("agent_id") ?? (route?.startsWith("/agents/:id") ? c.req.param("id") : undefined);
  if (agentId !== undefined) fields.agent_id = agentId;
  const txId = c.req.param("tx_id");
  if (txId !== undefined) fields.tx_id = txId;
  if (c.error) fields.error_code = errorCodeOf(c.error);
  else if (route === undefined && status === 404) fields.error_code = "not_found";
  loggerFor(c.env).log(status >= 500 ? "error" : "info", "request", fields);
});

/**
 * The pattern of the route that answers the request (`/agents/:id/head`): the first matched
 * handler's, not a middleware's; undefined when no handler matched (a 404).
 */
function routeOf(c: Context): string | undefined {
  // `hono/route`'s `matchedRoutes(c)` reads the same list through a symbol of `hono`'s; the
  // Workers test tier pre-bundles `hono` without that entry point, which would give it a
  // second copy of the symbol. The request's own getter has one.
  return c.req.matchedRoutes.find((r) => r.method !== "ALL")?.path;
}
