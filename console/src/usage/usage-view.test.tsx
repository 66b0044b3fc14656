import { render } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import type { RecordStore } from "../record/record-store.js";
import { UsageView } from "./usage-view.js";

const b64 = (v: unknown) => btoa(JSON.stringify(v));

function storeOf(): RecordStore {
  const entry = (seq: number, ts: number, tx_type: string, payload: unknown) => ({
    seq,
    txType: tx_type,
    hash: "",
    entry: { seq, tx: { tx_type, ts_ms: ts, payload: b64(payload), reference_tx_hash: "p" } },
  });
  const rows = [
    entry(1, 100, "user_prompt", "hi"),
    entry(2, 350, "reasoning", {
      model: "m",
      response: { model: "m", usage: { input_tokens: 1200, output_tokens: 34 } },
    }),
  ];
  return { rows } as unknown as RecordStore;
}

describe("the Usage tab", () => {
  const html = render(<UsageView store={storeOf()} recordVersion={0} />);

  it("renders three charts, each a heading and an image named by its title and totals", () => {
    for (const [id, title, summary] of [
      [
        "usage-tokens",
        "Tokens per turn",
        "1 turns, 1,200 input tokens, 34 output tokens, 1 model calls",
      ],
      ["usage-latency", "Model latency per call", "1 calls, 250 ms in all"],
      ["usage-tools", "Tool time per call", "0 tool calls, 0 ms in all"],
    ]) {
      expect(html).toContain(`<h2 id="${id}-title">${title}</h2>`);
      expect(html).toContain(`role="img" aria-label="${title}: ${summary}"`);
      expect(html).toContain(`<output data-testid="${id}-summary">${summary}</output>`);
    }
  });

  it("gives each chart its values as a table whose headers are the axes' labels", () => {
    expect(html).toContain(
      '<th scope="col">turn</th><th scope="col">input tokens</th><th scope="col">output tokens</th>',
    );
    expect(html).toContain(
      '<th scope="row">1</th><td>1,200</td><td>34</td><td>seq 2, 1 model calls</td>',
    );
    expect(html).toContain('<th scope="col">call</th><th scope="col">ms</th>');
    expect(html).toContain('<th scope="row">1</th><td>250</td><td>seq 2 m</td>');
  });

  it("sets no inline style (the CSP refuses it) and leaves the drawing to the chart's chunk", () => {
    expect(html).not.toContain("style=");
    expect(html).not.toContain("<canvas");
  });
});
