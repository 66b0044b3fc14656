import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = "dev-jwt-secret";

/**
 * The local stack's JWT secret, kept in the data dir so tokens survive restarts.
 * @param {string} dataDir
 * @returns {string | undefined}
 */
export function readDevSecret(dataDir) {
  const path = join(dataDir, FILE);
  return existsSync(path) ? readFileSync(path, "utf8").trim() : undefined;
}

/**
 * Reads the local secret, creating a random one on first use.
 * @param {string} dataDir
 * @returns {string}
 */
export function ensureDevSecret(dataDir) {
  const existing = readDevSecret(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(join(dataDir, FILE), `${secret}\n`, { mode: 0o600 });
  return secret;
}
