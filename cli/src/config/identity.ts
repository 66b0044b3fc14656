import { decodeJwt } from "jose";
import { HttpClient } from "../api/http-client.js";
import type { ServerEntry } from "./credentials.js";

/** Who the client is on a server: the token's claims, and whether the server answers. */
export interface Identity {
  server: string;
  url: string;
  sub: string | undefined;
  org: string | undefined;
  /** When the token expires (ISO 8601), if it says. */
  expires: string | undefined;
  /** `ok` when `/health` answered, else why not. */
  health: string;
  version: string | undefined;
}

/**
 * Reads the token's claims (without verifying them: only the server can) and asks `/health`.
 *
 * @example
 * const who = await identityOf("local", { url, token }); // { sub: "dev", org: "local", health: "ok", … }
 */
export async function identityOf(name: string, entry: ServerEntry): Promise<Identity> {
  let claims: { sub?: unknown; org?: unknown; exp?: unknown } = {};
  try {
    claims = decodeJwt(entry.token);
  } catch {
    claims = {};
  }
  let health = "ok";
  let version: string | undefined;
  try {
    const reply = await new HttpClient(entry.url, entry.token).health();
    version = reply.version;
    if (reply.status !== "ok") health = reply.status;
  } catch (err) {
    health = err instanceof Error ? err.message : String(err);
  }
  return {
    server: name,
    url: entry.url,
    sub: typeof claims.sub === "string" ? claims.sub : undefined,
    org: typeof claims.org === "string" ? claims.org : undefined,
    expires: typeof claims.exp === "number" ? new Date(claims.exp * 1000).toISOString() : undefined,
    health,
    version,
  };
}
