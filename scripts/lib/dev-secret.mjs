import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The local stack's JWT secret (`AURA_JWT_SECRET` when none is given). */
export const JWT_SECRET_FILE = "dev-jwt-secret";
/** The secret the local Worker signs sandbox tokens with (`SANDBOX_TOKEN_SECRET`). */
export const SANDBOX_SECRET_FILE = "sandbox-token-secret";

/**
 * A local secret kept in the data dir, so it survives restarts (tokens stay valid).
 * @param {string} dataDir
 * @param {string} [file] {@link JWT_SECRET_FILE} or {@link SANDBOX_SECRET_FILE}
 * @returns {string | undefined}
 * @example
 * readDevSecret("./aura_data"); // the dev JWT secret, or undefined before the first start
 */
export function readDevSecret(dataDir, file = JWT_SECRET_FILE) {
  const path = join(dataDir, file);
  return existsSync(path) ? readFileSync(path, "utf8").trim() : undefined;
}

/**
 * Reads a local secret, creating a random one (64 hex chars, readable by its owner only) on
 * first use.
 * @param {string} dataDir
 * @param {string} [file] {@link JWT_SECRET_FILE} or {@link SANDBOX_SECRET_FILE}
 * @returns {string}
 * @example
 * const secret = ensureDevSecret(dataDir, SANDBOX_SECRET_FILE);
 */
export function ensureDevSecret(dataDir, file = JWT_SECRET_FILE) {
  const existing = readDevSecret(dataDir, file);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  const path = join(dataDir, file);
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}
