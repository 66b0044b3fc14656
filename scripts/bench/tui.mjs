#!/usr/bin/env node
// The terminal client's figures (issue 11): first token on screen after it leaves the server
// (target ≤ 50 ms, through tmux), and the record panel's render time per new entry at 100,
// 1,000 and 10,000 entries (target: flat). `npm run bench` runs it on its product Worker;
// `node scripts/bench/tui.mjs` runs it alone, on a Worker of its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStack } from "./stack.mjs";
import { measureFirstToken } from "./tui-first-token.mjs";
import { hasTmux } from "./tui-harness.mjs";
import { measureRecordPanel } from "./tui-panel.mjs";

/** First token on screen, median over the turns (ms); the max is printed beside it. */
export const FIRST_TOKEN_TARGET_MS = 50;
/** The 10,000-entry panel's cost per entry over the 100-entry one's, at most. */
export const PANEL_FLAT_RATIO = 1.5;

/**
 * Runs both figures, prints their table to stdout and adds them to `resultsFile` (as `tui`)
 * when given. Without tmux the first-token figure is skipped, and says so.
 *
 * @example
 * await runTuiBench({ origin: stack.workers.product.url, token: stack.token, log });
 * @param {{ origin: URL, token: string, turns?: number, resultsFile?: string, log?: (line: string) => void }} options
 */
export async function runTuiBench({
  origin,
  token,
  turns = 10,
  resultsFile,
  log = () => undefined,
}) {
  log("tui: record panel per new entry at 100, 1,000 and 10,000 entries…");
  const panel = await measureRecordPanel({ sizes: [100, 1000, 10_000], appends: 200 });
  const small = panel[0]?.median_ms ?? 0;
  const large = panel[panel.length - 1]?.median_ms ?? 0;
  const ratio = small > 0 ? Math.round((large / small) * 100) / 100 : 0;
  let firstToken;
  if (hasTmux()) {
    log(`tui: first token on screen over ${turns} turns (aura chat in tmux)…`);
    firstToken = await measureFirstToken({ origin, token, turns, log });
  } else {
    log("tui: tmux is not installed; first token on screen not measured");
  }
  const lines = [
    "",
    "Terminal client (aura chat)",
    "  record panel, one new entry (fold + Ink re-render):",
    ...panel.map(
      (r) =>
        `    ${String(r.rows).padStart(6)} entries  median ${r.median_ms.toFixed(2)} ms  p95 ${r.p95_ms.toFixed(2)} ms`,
    ),
    `    10,000 / 100 = ${ratio.toFixed(2)} (target ≤ ${PANEL_FLAT_RATIO}: ${ratio <= PANEL_FLAT_RATIO ? "met" : "missed"})`,
    firstToken
      ? `  first token on screen: median ${firstToken.median_ms} ms, max ${firstToken.max_ms} ms over ${firstToken.turns} turns (one capture-pane takes ${firstToken.capture_ms} ms; target: median ≤ ${FIRST_TOKEN_TARGET_MS} ms ${firstToken.median_ms <= FIRST_TOKEN_TARGET_MS ? "met" : "missed"}, max ${firstToken.max_ms <= FIRST_TOKEN_TARGET_MS ? "within it too" : "over it"})`
      : "  first token on screen: not measured (no tmux)",
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const result = {
    record_panel: { per_entry: panel, ratio_10000_to_100: ratio, target_ratio: PANEL_FLAT_RATIO },
    first_token: firstToken ? { ...firstToken, target_ms: FIRST_TOKEN_TARGET_MS } : null,
  };
  if (resultsFile) {
    const stored = JSON.parse(readFileSync(resultsFile, "utf8"));
    writeFileSync(resultsFile, `${JSON.stringify({ ...stored, tui: result }, null, 2)}\n`);
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = mkdtempSync(join(tmpdir(), "aura-bench-tui-"));
  /** @type {Array<{ dispose?: () => Promise<void>, close?: () => void }>} */
  const things = [];
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  try {
    log("bundling and serving the Worker…");
    const stack = await startStack(dir, (thing) => things.push(thing));
    await runTuiBench({ origin: stack.workers.product.url, token: stack.token, log });
  } catch (err) {
    log(`bench tui: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  } finally {
    for (const thing of things.reverse()) thing.close?.();
    await Promise.allSettled(things.map((thing) => thing.dispose?.()));
    rmSync(dir, { recursive: true, force: true });
  }
}
