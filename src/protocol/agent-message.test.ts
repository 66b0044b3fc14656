import { describe, expect, it } from "vitest";
import { textToBase64 } from "../core/base64.js";
import { canonicalJson } from "../core/canonical-json.js";
import { inboundAgentMessageText } from "./agent-message.js";

const FROM = "ab".repeat(32);

describe("inboundAgentMessageText", () => {
  it("says which agent sent a message", () => {
    const payload = textToBase64(
      canonicalJson({ kind: "message", from_agent_id: FROM, content: "hi" }),
    );
    expect(inboundAgentMessageText(payload)).toBe(`[message from agent ${FROM}]\nhi`);
  });

  it("labels a spawned child's answer as the result of its task", () => {
    const payload = textToBase64(
      canonicalJson({ kind: "task_result", from_agent_id: FROM, content: "done" }),
    );
    expect(inboundAgentMessageText(payload)).toBe(
      `[result of the task given to agent ${FROM}]\ndone`,
    );
  });

  it("passes any other payload through as text", () => {
    expect(inboundAgentMessageText(textToBase64("plain"))).toBe("plain");
    expect(inboundAgentMessageText(textToBase64('{"content":"x"}'))).toBe('{"content":"x"}');
  });
});
