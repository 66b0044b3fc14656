import { Hono } from "hono";
import { SignJWT } from "jose";
import { z } from "zod";
import { loadConfig } from "../../config.js";
import { AuraError } from "../../core/errors.js";
import type { AppEnv } from "../context.js";
import { notFound } from "../on-error.js";

/** The org and user of a dev sign-in token: those of the token `npm start` prints. */
export const DEV_ORG = "local";
export const DEV_SUB = "dev";
/** A dev sign-in token lasts a working day. */
const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

/** `AURA_DEV_SIGNIN`: set to `on` by `npm start` only; absent or `off` everywhere else. */
const DevSignInSetting = z.enum(["on", "off"]).optional();

/** Host names a dev sign-in is answered on: the local stack's own loopback addresses. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The web console's one-click sign-in on the local stack (docs/console.md): `POST /dev/signin`
 * answers a token for org `local`, user `dev` — the one `npm start` prints — when, and only
 * when, the Worker runs with `AURA_DEV_SIGNIN=on` (which only `npm start` sets) and an HS256
 * secret, the request came to a loopback host name (a DNS-rebinding page has its own host
 * name), from the same origin (`Origin` and `Sec-Fetch-Site`: another site's page cannot ask),
 * as JSON (so a cross-origin form cannot send it without a preflight the Worker never
 * grants). Otherwise the POST is `404`, like a route that does not exist, and
 * `GET /dev/signin` (what the console asks before offering the button) answers
 * `{"available":false}`.
 *
 * @example
 * await fetch("/dev/signin", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
 * // 200 {"token":"eyJ…","org":"local","sub":"dev","exp":1796000000}
 */
export const devSignInRoutes = new Hono<AppEnv>();

// Whether the one-click sign-in is offered: always answered (a 404 would be logged as an
// error in every console that asks), saying no more than whether it is available here.
devSignInRoutes.get("/", (c) => {
  const available = devSecret(c.env, c.req.raw) !== undefined;
  return c.json(available ? { available, org: DEV_ORG, sub: DEV_SUB } : { available });
});

devSignInRoutes.post("/", async (c) => {
  const secret = devSecret(c.env, c.req.raw);
  if (secret === undefined) return notFound(c);
  const host = c.req.header("host") ?? "";
  const origin = c.req.header("origin");
  if (origin !== `http://${host}` && origin !== `https://${host}`) {
    throw new AuraError("forbidden", "dev sign-in: only the console's own page may ask");
  }
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin") {
    throw new AuraError("forbidden", "dev sign-in: only the console's own page may ask");
  }
  if (!(c.req.header("content-type") ?? "").startsWith("application/json")) {
    throw new AuraError("invalid_request", "dev sign-in: the request must be JSON");
  }
  const exp = Math.floor(Date.now() / 1000) + DEV_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({ org: DEV_ORG })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(DEV_SUB)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
  c.header("cache-control", "no-store");
  return c.json({ token, org: DEV_ORG, sub: DEV_SUB, exp });
});

/**
 * The secret to sign a dev token with, when a dev sign-in may be answered for this request:
 * `AURA_DEV_SIGNIN=on`, an HS256 secret, and a loopback host name.
 */
function devSecret(env: Env, request: Request): string | undefined {
  const parsed = DevSignInSetting.safeParse(
    (env as Env & { AURA_DEV_SIGNIN?: unknown }).AURA_DEV_SIGNIN,
  );
  if (!parsed.success) {
    throw new AuraError("config_error", "AURA_DEV_SIGNIN: must be on or off");
  }
  if (parsed.data !== "on") return undefined;
  const secret = loadConfig(env).jwtSecret;
  if (secret === undefined) return undefined;
  const host = request.headers.get("host") ?? "";
  const hostname = host.replace(/:\d+$/, "");
  return LOOPBACK_HOSTS.has(hostname) ? secret : undefined;
}
