#!/usr/bin/env node
// Mints an HS256 development token for the local stack.
// Usage: npm run token -- [--org ORG] [--sub SUB] [--ttl SECONDS]
// The secret comes from AURA_JWT_SECRET, else from the local stack's data dir.
import { parseArgs } from "node:util";
import { readDevSecret } from "./lib/dev-secret.mjs";
import { mintToken } from "./lib/mint-token.mjs";

const { values } = parseArgs({
  options: {
    org: { type: "string", default: "local" },
    sub: { type: "string", default: "dev" },
    ttl: { type: "string", default: String(7 * 24 * 3600) },
  },
});
const secret =
  process.env.AURA_JWT_SECRET || readDevSecret(process.env.AURA_DATA_DIR || "./aura_data");
if (!secret) {
  console.error(
    "AURA_JWT_SECRET is not set and no local dev secret exists yet: run `npm start` once first.",
  );
  process.exit(1);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  console.error("--ttl must be a positive whole number of seconds");
  process.exit(1);
}
process.stdout.write(
  `${await mintToken({ secret, org: values.org, sub: values.sub, ttlSeconds: ttl })}\n`,
);
