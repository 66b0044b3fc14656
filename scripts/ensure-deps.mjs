#!/usr/bin/env node
// Installs node_modules when it is missing or stale (`pretest`, `npm start`, `npm run bench`),
// one process of the checkout at a time, never under a running stack of this checkout, and
// not for a package-lock.json whose content did not change (scripts/lib/install-lock.mjs).
// Runs before any dependency is installed, so it imports nothing outside node:*.
import { fileURLToPath } from "node:url";
import { ensureDepsLocked } from "./lib/install-lock.mjs";

try {
  ensureDepsLocked(fileURLToPath(new URL("..", import.meta.url)));
} catch (err) {
  console.error(`ensure-deps: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
