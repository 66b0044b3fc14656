import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The record panel's cost per new entry at several record lengths: the panel is rendered
 * (Ink, through ink-testing-library's fake stdout) over a log of `size` rows, then entries are
 * appended one at a time and each append's fold and re-render is timed. A panel that renders
 * only its visible rows costs the same per entry at 100 and at 10,000 rows.
 *
 * @example
 * const rows = await measureRecordPanel({ sizes: [100, 1000, 10000], appends: 200 });
 * @param {{ sizes: number[], appends: number, height?: number }} options
 * @returns {Promise<Array<{ rows: number, median_ms: number, p95_ms: number }>>}
 */
export async function measureRecordPanel({ sizes, appends, height = 40 }) {
  const mod = await loadPanelModules();
  const results = [];
  for (const size of sizes) {
    let state = mod.initialChatState();
    for (let seq = 1; seq <= size; seq++) state = mod.chatReducer(state, recordEvent(seq));
    const theme = mod.themeOf("cyber", {});
    const view = (s) => mod.createElement(mod.RecordPanel, { records: s.records, height, theme });
    const app = mod.render(view(state));
    // Warm-up appends (not timed): the first renders of each size pay for JIT compilation.
    for (let i = 1; i <= 50; i++) {
      state = mod.chatReducer(state, recordEvent(size + i));
      app.rerender(view(state));
    }
    const times = [];
    for (let i = 1; i <= appends; i++) {
      const seq = size + 50 + i;
      const t0 = performance.now();
      state = mod.chatReducer(state, recordEvent(seq));
      app.rerender(view(state));
      times.push(performance.now() - t0);
      if (i === appends && !app.lastFrame()?.includes(` ${seq} `)) {
        throw new Error(`the panel did not show seq ${seq} after its append`);
      }
    }
    app.unmount();
    times.sort((a, b) => a - b);
    results.push({
      rows: size,
      median_ms: round(times[Math.floor(times.length / 2)] ?? 0),
      p95_ms: round(times[Math.floor(times.length * 0.95)] ?? 0),
    });
  }
  return results;
}

/** @param {number} seq */
function recordEvent(seq) {
  const hash = seq.toString(16).padStart(64, "0");
  return { type: "frame", frame: { type: "record", seq, tx_type: "reasoning", hash } };
}

/** @param {number} ms */
function round(ms) {
  return Math.round(ms * 1000) / 1000;
}

/** The panel, the reducer and a renderer, bundled from the TUI's sources (TSX) by esbuild. */
async function loadPanelModules() {
  const dir = join(ROOT, "node_modules/.cache/aura-bench");
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, "tui-panel.mjs");
  await build({
    stdin: {
      contents: [
        'export { RecordPanel } from "./cli/src/tui/components/record-panel.tsx";',
        'export { chatReducer, initialChatState } from "./cli/src/tui/chat-state.ts";',
        'export { themeOf } from "./cli/src/tui/theme.ts";',
        'export { render } from "ink-testing-library";',
        'export { createElement } from "react";',
      ].join("\n"),
      resolveDir: ROOT,
      loader: "ts",
    },
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    jsx: "automatic",
    logLevel: "warning",
  });
  // The React build `aura` runs with (cli/bin/aura.mjs sets it before React loads).
  process.env.NODE_ENV ??= "production";
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}
