#!/usr/bin/env node
// Installs node_modules when it is missing or stale (`pretest`, `npm start`, `npm run bench`).
// Runs before any dependency is installed, so it imports nothing outside node:*.
import { fileURLToPath } from "node:url";
import { ensureDeps } from "./lib/deps.mjs";

try {
  ensureDeps(fileURLToPath(new URL("..", import.meta.url)));
} catch (err) {
  console.error(`ensure-deps: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
