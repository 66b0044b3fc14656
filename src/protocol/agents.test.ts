import { describe, expect, it } from "vitest";
import { CreateAgentRequest, RecordQuery } from "./agents.js";

describe("RecordQuery", () => {
  it("given no query parameters, when parsed, then it starts at seq 1 with 100 entries", () => {
    expect(RecordQuery.parse({})).toEqual({ from_seq: 1, limit: 100 });
  });

  it("given limits outside 1..1000, when parsed, then they are clamped into range", () => {
    expect(RecordQuery.parse({ limit: "5000" }).limit).toBe(1000);
    expect(RecordQuery.parse({ limit: "0" }).limit).toBe(1);
    expect(RecordQuery.parse({ limit: "-7" }).limit).toBe(1);
    expect(RecordQuery.parse({ limit: "250" }).limit).toBe(250);
  });

  it("given a from_seq below 1 or a non-numeric limit, when parsed, then it is refused", () => {
    expect(RecordQuery.safeParse({ from_seq: "0" }).success).toBe(false);
    expect(RecordQuery.safeParse({ limit: "many" }).success).toBe(false);
    expect(RecordQuery.safeParse({ from_seq: "2.5" }).success).toBe(false);
  });

  it("given from_seq as a query string, when parsed, then it becomes a number", () => {
    expect(RecordQuery.parse({ from_seq: "42" }).from_seq).toBe(42);
  });
});

describe("CreateAgentRequest", () => {
  it("given an empty body, when parsed, then it is accepted", () => {
    expect(CreateAgentRequest.parse({})).toEqual({});
  });

  it("given a named policy or explicit tool levels, when parsed, then they are accepted", () => {
    expect(CreateAgentRequest.parse({ policy: "strict" }).policy).toBe("strict");
    const explicit = {
      profile: "dev",
      tools: { run_command: "always_ask" },
      allow_unlisted: false,
    };
    expect(CreateAgentRequest.parse({ policy: explicit }).policy).toEqual(explicit);
  });

  it("given an unknown permission level or field, when parsed, then it is refused", () => {
    expect(CreateAgentRequest.safeParse({ policy: { tools: { x: "sometimes" } } }).success).toBe(
      false,
    );
    expect(CreateAgentRequest.safeParse({ name: "a", owner: "b" }).success).toBe(false);
    expect(CreateAgentRequest.safeParse({ name: "" }).success).toBe(false);
  });
});
