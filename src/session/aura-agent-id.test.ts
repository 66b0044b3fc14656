import { describe, expect, it } from "vitest";
import { auraAgentRefOf, initHintsOf } from "./aura-agent-id.js";

const AGENT = "ab".repeat(32);
const UUID = "6f1c2a4e-0b7d-4c55-9a3e-2f8d1e0c9b71";

describe("auraAgentRefOf", () => {
  it("given 64 lowercase hex, then it names an agent to attach to", () => {
    expect(auraAgentRefOf(AGENT)).toEqual({ kind: "agent", agent_id: AGENT });
  });

  it("given a UUID or any other id, then it is a billing id", () => {
    expect(auraAgentRefOf(UUID)).toEqual({ kind: "billing", id: UUID });
    expect(auraAgentRefOf(AGENT.toUpperCase())).toEqual({
      kind: "billing",
      id: AGENT.toUpperCase(),
    });
  });
});

describe("initHintsOf", () => {
  it("given a session_init naming an agent and opting in, then both hints are read", () => {
    const frame = JSON.stringify({
      type: "session_init",
      aura_agent_id: AGENT,
      aura_extensions: true,
    });
    expect(initHintsOf(frame)).toEqual({ attach: AGENT, extensions: true });
  });

  it("given a session_init with a billing id and no opt-in, then it attaches to nothing", () => {
    const frame = JSON.stringify({ type: "session_init", aura_agent_id: UUID });
    expect(initHintsOf(frame)).toEqual({ extensions: false });
  });

  it("given another frame, text that is not JSON or binary data, then there are no hints", () => {
    for (const data of ['{"type":"cancel"}', "not json", "null", "7", new ArrayBuffer(2)]) {
      expect(initHintsOf(data)).toBeUndefined();
    }
  });
});
