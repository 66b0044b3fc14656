import { jwtVerify } from "jose";

/**
 * The headers the fake router requires on every model call, besides the bearer JWT. A call
 * made outside a session or a project (a turn started by `POST /tx`) has no
 * `X-Aura-Session-Id` or `X-Aura-Project-Id`, so those are recorded but not required.
 */
export const AURA_HEADERS = Object.freeze(["x-aura-agent-id", "x-aura-org-id"]);

/**
 * Checks a router request: an `Authorization: Bearer <jwt>` that verifies as HS256 with
 * `secret`, and every {@link AURA_HEADERS} header present. Returns the refusal (status and
 * message) or `undefined` when the request may pass.
 * @param {import("node:http").IncomingHttpHeaders} headers
 * @param {string} secret
 * @returns {Promise<{ status: 400 | 401, message: string } | undefined>}
 * @example
 * const refusal = await checkRouterRequest(req.headers, "router-secret");
 */
export async function checkRouterRequest(headers, secret) {
  const match = /^Bearer (.+)$/.exec(String(headers.authorization ?? ""));
  if (!match?.[1]) return { status: 401, message: "missing bearer token" };
  try {
    await jwtVerify(match[1], new TextEncoder().encode(secret), { algorithms: ["HS256"] });
  } catch (err) {
    return { status: 401, message: `invalid bearer token: ${String(err)}` };
  }
  const missing = AURA_HEADERS.filter((name) => !headers[name]);
  if (missing.length > 0) return { status: 400, message: `missing headers: ${missing.join(", ")}` };
  return undefined;
}
