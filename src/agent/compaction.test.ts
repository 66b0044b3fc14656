import { describe, expect, it } from "vitest";
import type { ModelMessage } from "../reasoner/types.js";
import {
  COMPACTION_TIERS,
  compactMessages,
  selectCompactionTier,
  truncateMiddle,
} from "./compaction.js";
import { text, toolUse } from "./loop-fixture.js";

describe("selectCompactionTier", () => {
  it.each([
    [0.95, 2],
    [0.85, 2],
    [0.84, 4],
    [0.7, 4],
    [0.65, 6],
    [0.6, 6],
    [0.5, 8],
    [0.3, 8],
  ])("at utilisation %s keeps the %s most recent messages intact", (utilization, keep) => {
    expect(selectCompactionTier(utilization)?.keep_recent).toBe(keep);
  });

  it("selects no tier below 0.30", () => {
    expect(selectCompactionTier(0.29)).toBeNull();
    expect(selectCompactionTier(0)).toBeNull();
  });

  it("shortens older blocks more in fuller tiers", () => {
    const limits = COMPACTION_TIERS.map((t) => t.max_chars);
    expect(limits).toEqual([...limits].sort((a, b) => a - b));
  });
});

describe("truncateMiddle", () => {
  it("returns text within the limit unchanged", () => {
    expect(truncateMiddle("short", 10)).toBe("short");
  });

  it("keeps the head and the tail around a marker saying how much was cut, within the limit", () => {
    const long = `HEAD${"x".repeat(10_000)}TAIL`;
    const out = truncateMiddle(long, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.startsWith("HEAD")).toBe(true);
    expect(out.endsWith("TAIL")).toBe(true);
    expect(out).toMatch(/…\[\d+ characters truncated\]…/);
  });

  it("changes nothing when applied twice with the same limit", () => {
    const once = truncateMiddle("y".repeat(5_000), 300);
    expect(truncateMiddle(once, 300)).toBe(once);
  });
});

describe("compactMessages", () => {
  const long = "z".repeat(3_000);
  const conversation: ModelMessage[] = [
    { role: "user", content: [text(long)] },
    { role: "assistant", content: [toolUse("t1", "write_file", { path: "a", content: long })] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: long }] },
    { role: "assistant", content: [{ type: "thinking", thinking: long, signature: "s" }] },
    { role: "user", content: [text(long)] },
  ];
  const tier = { threshold: 0.85, keep_recent: 2, max_chars: 500 };

  it("truncates texts, tool results and tool input strings of the older messages only", () => {
    const out = compactMessages(conversation, tier);
    const sizes = out.map((m) => JSON.stringify(m).length);
    expect(sizes[0]).toBeLessThan(700);
    expect(sizes[1]).toBeLessThan(800);
    expect(sizes[2]).toBeLessThan(700);
    expect(out.slice(3)).toEqual(conversation.slice(3));
  });

  it("keeps every block and tool call id, so tool calls stay paired with their results", () => {
    const out = compactMessages(conversation, tier);
    expect(out.map((m) => m.content.map((b) => b.type))).toEqual(
      conversation.map((m) => m.content.map((b) => b.type)),
    );
    expect(out[1]!.content[0]).toMatchObject({ id: "t1", input: { path: "a" } });
    expect(out[2]!.content[0]).toMatchObject({ tool_use_id: "t1" });
  });

  it("keeps thinking blocks verbatim, since their signatures cover them", () => {
    const out = compactMessages(conversation, { ...tier, keep_recent: 0 });
    expect(out[3]).toEqual(conversation[3]);
  });

  it("returns the conversation as it is when no tier applies", () => {
    expect(compactMessages(conversation, null)).toEqual(conversation);
  });

  it("does not modify the messages it is given", () => {
    const copy = structuredClone(conversation);
    compactMessages(conversation, { ...tier, keep_recent: 0 });
    expect(conversation).toEqual(copy);
  });

  it("returns a message that needs no shortening, or was shortened already, as the same object", () => {
    const short: ModelMessage = { role: "user", content: [text("short")] };
    const long: ModelMessage = { role: "user", content: [text("x".repeat(10_000))] };
    const messages = [short, long, { role: "assistant" as const, content: [text("recent")] }];
    const once = compactMessages(messages, { ...tier, keep_recent: 1 });
    expect(once[0]).toBe(short);
    expect(once[1]).not.toBe(long);
    const twice = compactMessages(once, { ...tier, keep_recent: 1 });
    expect(twice[1]).toBe(once[1]);
  });
});
