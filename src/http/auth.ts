import { createMiddleware } from "hono/factory";
import { bearerToken, TokenVerifier } from "../auth/verify-token.js";
import { type Config, loadConfig } from "../config.js";
import type { AppEnv } from "./context.js";

const verifiers = new WeakMap<Config, TokenVerifier>();

/**
 * Requires a valid JWT (`Authorization: Bearer …`, or `?token=` for WebSocket upgrades)
 * and puts the caller's principal and the parsed config on the context.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = new TokenVerifier(config);
    verifiers.set(config, verifier);
  }
  const token = bearerToken(c.req.header("authorization")) ?? wsQueryToken(c.req.raw);
  c.set("principal", await verifier.verify(token, Date.now()));
  c.set("token", token as string);
  c.set("config", config);
  await next();
});

function wsQueryToken(req: Request): string | undefined {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return undefined;
  return new URL(req.url).searchParams.get("token") ?? undefined;
}
