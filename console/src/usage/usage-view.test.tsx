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
  it("renders three labelled charts with their totals as text, without inline style", () => {
    const html = render(<UsageView store={storeOf()} recordVersion={0} />);
    for (const title of ["Tokens per turn", "Model latency per call", "Tool time per call"]) {
      expect(html).toContain(`>${title}</h2>`);
    }
    expect(html).toContain("1 turns, 1,200 input tokens, 34 output tokens, 1 model calls");
    expect(html).toContain("1 calls, 250 ms in all");
    expect(html).toContain("0 tool calls, 0 ms in all");
    expect(html).not.toContain("style=");
  });
});
