import { describe, expect, it } from "vitest";
import { base64DecodedLength, encodeBase64 } from "../core/base64.js";
import { blake3Hex } from "../core/hash.js";
import { MAX_PAYLOAD_BYTES, SubmitTxRequest } from "./tx.js";

const AGENT = blake3Hex("agent");

describe("SubmitTxRequest", () => {
  it("given a well-formed body of each client kind, when parsed, then it is accepted", () => {
    for (const kind of ["user_prompt", "agent_msg", "trigger", "action_result", "system"]) {
      const body = { agent_id: AGENT, kind, payload: "aGk=", idempotency_key: "k" };
      expect(SubmitTxRequest.parse(body), kind).toEqual(body);
    }
  });

  it("given a kernel-only kind, when parsed, then it is refused", () => {
    for (const kind of ["reasoning", "tool_proposal", "tool_execution", "session_start"]) {
      const body = { agent_id: AGENT, kind, payload: "aGk=" };
      expect(SubmitTxRequest.safeParse(body).success, kind).toBe(false);
    }
  });

  it("given a bad agent id, unpadded payload or unknown field, when parsed, then it is refused", () => {
    const good = { agent_id: AGENT, kind: "user_prompt", payload: "aGk=" };
    expect(SubmitTxRequest.safeParse({ ...good, agent_id: AGENT.toUpperCase() }).success).toBe(
      false,
    );
    expect(SubmitTxRequest.safeParse({ ...good, payload: "aGk" }).success).toBe(false);
    expect(SubmitTxRequest.safeParse({ ...good, payload: "a Gk=" }).success).toBe(false);
    expect(SubmitTxRequest.safeParse({ ...good, tx_type: "user_prompt" }).success).toBe(false);
  });

  it("given a payload of exactly 1 MiB and one of 1 MiB + 1 byte, when measured, then only the second exceeds the limit", () => {
    expect(base64DecodedLength(encodeBase64(new Uint8Array(MAX_PAYLOAD_BYTES)))).toBe(
      MAX_PAYLOAD_BYTES,
    );
    expect(base64DecodedLength(encodeBase64(new Uint8Array(MAX_PAYLOAD_BYTES + 1)))).toBe(
      MAX_PAYLOAD_BYTES + 1,
    );
  });
});
