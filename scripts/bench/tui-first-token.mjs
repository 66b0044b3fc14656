import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSession } from "./stream-client.mjs";
import { startTui } from "./tui-harness.mjs";

/**
 * First token on screen: the `aura` chat runs in tmux (120x40) on an agent that a plain
 * watcher socket also follows; for each turn the watcher's receive time of the first
 * `text_delta` (the moment the frame leaves the server, on loopback) is compared with the
 * first `tmux capture-pane` that shows its text. Captures go through one tmux control-mode
 * client, polled back to back, so a result is late by at most one capture (reported as
 * `capture_ms`, about a millisecond; a `tmux capture-pane` process each time takes tens).
 *
 * @example
 * const r = await measureFirstToken({ origin: new URL("http://127.0.0.1:8787"), token, turns: 10 });
 * @param {{ origin: URL, token: string, turns: number, log?: (line: string) => void }} options
 * @returns {Promise<{ turns: number, median_ms: number, max_ms: number, capture_ms: number, samples_ms: number[] }>}
 */
export async function measureFirstToken({ origin, token, turns, log = () => undefined }) {
  const created = await fetch(new URL("/agents", origin), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "tui-bench" }),
  });
  const { agent_id: agentId } = /** @type {{ agent_id: string }} */ (await created.json());
  const watcher = await openSession({
    origin,
    token,
    agentId,
    index: 0,
    timeoutMs: 30_000,
    deflate: false,
  });
  const home = mkdtempSync(join(tmpdir(), "aura-bench-tui-"));
  const credentials = { current: "bench", servers: { bench: { url: origin.origin, token } } };
  writeFileSync(join(home, "credentials.json"), JSON.stringify(credentials), { mode: 0o600 });
  const tui = startTui({
    socket: `aura-bench-tui-${process.pid}`,
    args: ["chat", "--agent", agentId, "--theme", "minimal"],
    env: { AURA_HOME: home, TERM: "xterm-256color" },
  });
  /** @type {{ screen(): Promise<string>, close(): void } | undefined} */
  let capture;
  try {
    await tui.waitFor("connected", 60_000);
    capture = await tui.fastCapture();
    const samples = [];
    const captures = [];
    // Turn 0 warms the client up (module loading, JIT) and is not counted.
    for (let turn = 0; turn <= turns; turn++) {
      const before = await capture.screen();
      /** @type {{ at: number, text: string } | undefined} */
      let first;
      let ended = false;
      watcher.handle = (frame, at) => {
        if (frame.type === "text_delta" && first === undefined) {
          first = { at, text: String(frame.text).split("\n")[0]?.trim() ?? "" };
        }
        if (frame.type === "assistant_message_end") ended = true;
      };
      tui.type(`ping ${turn} of the first-token bench`);
      tui.keys("Enter");
      const deadline = Date.now() + 30_000;
      while (first === undefined) {
        if (Date.now() > deadline)
          throw new Error(`turn ${turn}: no text_delta reached the watcher`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const { at, text } = first;
      const seen = count(before, text);
      for (;;) {
        const c0 = performance.now();
        const screen = await capture.screen();
        const c1 = performance.now();
        captures.push(c1 - c0);
        if (count(screen, text) > seen) {
          if (turn > 0) samples.push(c1 - at);
          break;
        }
        if (Date.now() > deadline) throw new Error(`turn ${turn}: "${text}" never showed`);
        // A breath between captures, so the loop does not starve the client it measures.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      while (!ended) {
        if (Date.now() > deadline) throw new Error(`turn ${turn}: the turn did not end`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await tui.waitFor("ready", 10_000, 10);
      if (turn > 0)
        log(`  turn ${turn}: first token on screen after ${samples.at(-1)?.toFixed(1)} ms`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const capturesSorted = [...captures].sort((a, b) => a - b);
    return {
      turns,
      median_ms: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      max_ms: round(sorted[sorted.length - 1] ?? 0),
      capture_ms: round(capturesSorted[Math.floor(capturesSorted.length / 2)] ?? 0),
      samples_ms: samples.map(round),
    };
  } finally {
    capture?.close();
    tui.kill();
    watcher.ws.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** @param {string} haystack @param {string} needle */
function count(haystack, needle) {
  return needle === "" ? 0 : haystack.split(needle).length - 1;
}

/** @param {number} ms */
function round(ms) {
  return Math.round(ms * 10) / 10;
}
