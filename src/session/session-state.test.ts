import { serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import type { ClientFrame, SessionInitFrame } from "../protocol/stream.js";
import {
  decideFrame,
  type FrameContext,
  initialSessionState,
  MAX_ATTACHMENT_BYTES,
  markDelivered,
  needsDelivery,
  restoreSessionState,
  type SessionState,
} from "./session-state.js";

const idle: FrameContext = { session_id: "sess-1", turn_in_progress: false, pending_approvals: [] };
const busy: FrameContext = { ...idle, turn_in_progress: true, pending_approvals: ["toolu_1"] };
const init: SessionInitFrame = { type: "session_init", model: "claude-opus-4-6", max_turns: 5 };

function ready(): SessionState {
  return decideFrame(initialSessionState(), init, idle).state;
}

function errorCode(frame: ClientFrame, state: SessionState, context = idle): string | undefined {
  const { outcomes } = decideFrame(state, frame, context);
  const [first] = outcomes;
  return first?.type === "send" ? first.frame.code : undefined;
}

describe("decideFrame", () => {
  it("given a new socket, when session_init arrives, then the session starts with its settings", () => {
    const { state, outcomes } = decideFrame(initialSessionState(), init, idle);
    expect(state).toEqual({
      v: 1,
      session_id: "sess-1",
      settings: { workspace: ".", model: "claude-opus-4-6", max_turns: 5 },
      delivered_seq: 0,
    });
    expect(outcomes).toEqual([
      { type: "init_session", session_id: "sess-1", settings: state.settings, init },
    ]);
  });

  it("given an initialized session, when session_init arrives again, then it is already_initialized and nothing changes", () => {
    const state = ready();
    const decision = decideFrame(state, { ...init, model: "other" }, { ...idle, session_id: "x" });
    expect(decision.state).toBe(state);
    expect(decision.outcomes).toEqual([
      {
        type: "send",
        frame: {
          type: "error",
          code: "already_initialized",
          message: "session sess-1 is initialized",
          recoverable: true,
        },
      },
    ]);
  });

  it("given a new socket, when any other frame arrives first, then it is not_initialized", () => {
    const frames: ClientFrame[] = [
      { type: "user_message", content: "hi" },
      { type: "cancel" },
      { type: "approval_response", tool_use_id: "toolu_1", approved: true },
      { type: "resume", after_seq: 0 },
    ];
    for (const frame of frames) {
      const state = initialSessionState();
      expect(errorCode(frame, state, busy)).toBe("not_initialized");
      expect(decideFrame(state, frame, busy).state).toBe(state);
    }
  });

  it("given a traversing, absolute or outside workspace or project_path, when session_init arrives, then it is invalid_workspace and the session can retry", () => {
    const bad: Partial<SessionInitFrame>[] = [
      { workspace: "../other-agent" },
      { workspace: "/etc" },
      { workspace: "a/../../b" },
      { project_path: "/home/me/../project" },
      { project_path: "..\\..\\x" },
    ];
    for (const fields of bad) {
      const state = initialSessionState();
      expect(errorCode({ ...init, ...fields }, state)).toBe("invalid_workspace");
      expect(decideFrame(state, { ...init, ...fields }, idle).state).toBe(state);
    }
    const retried = decideFrame(initialSessionState(), { ...init, workspace: "./ok/" }, idle);
    expect(retried.state.settings?.workspace).toBe("ok");
  });

  it("given an idle session, when a user_message arrives, then a turn starts with its content and hints", () => {
    const frame: ClientFrame = { type: "user_message", content: "hi", tool_hints: ["read_file"] };
    expect(decideFrame(ready(), frame, idle).outcomes).toEqual([
      { type: "start_turn", content: "hi", tool_hints: ["read_file"] },
    ]);
  });

  it("given a turn in progress, when a user_message arrives, then it is turn_in_progress", () => {
    expect(errorCode({ type: "user_message", content: "again" }, ready(), busy)).toBe(
      "turn_in_progress",
    );
  });

  it("given no turn running, when cancel arrives, then nothing happens", () => {
    const state = ready();
    expect(decideFrame(state, { type: "cancel" }, idle)).toEqual({ state, outcomes: [] });
  });

  it("given a turn running, when cancel arrives, then the turn is cancelled", () => {
    expect(decideFrame(ready(), { type: "cancel" }, busy).outcomes).toEqual([
      { type: "cancel_turn" },
    ]);
  });

  it("given an approval nobody waits for, when approval_response arrives, then nothing happens", () => {
    const state = ready();
    const stray: ClientFrame = {
      type: "approval_response",
      tool_use_id: "toolu_9",
      approved: true,
    };
    expect(decideFrame(state, stray, idle)).toEqual({ state, outcomes: [] });
    expect(decideFrame(state, stray, busy)).toEqual({ state, outcomes: [] });
  });

  it("given a parked tool call, when its approval_response arrives, then the approval is answered", () => {
    const frame: ClientFrame = {
      type: "approval_response",
      tool_use_id: "toolu_1",
      approved: false,
    };
    expect(decideFrame(ready(), frame, busy).outcomes).toEqual([
      { type: "answer_approval", tool_use_id: "toolu_1", approved: false },
    ]);
  });

  it("given an initialized session, when resume arrives, then the record after after_seq is replayed", () => {
    expect(decideFrame(ready(), { type: "resume", after_seq: 7 }, busy).outcomes).toEqual([
      { type: "replay", after_seq: 7 },
    ]);
  });
});

describe("delivery", () => {
  it("given record frames sent up to a seq, then only later seqs still need delivery", () => {
    let state = markDelivered(ready(), 5);
    state = markDelivered(state, 3);
    expect(state.delivered_seq).toBe(5);
    expect(needsDelivery(state, 5)).toBe(false);
    expect(needsDelivery(state, 6)).toBe(true);
    expect(needsDelivery(initialSessionState(), 1)).toBe(false);
  });
});

describe("attachment", () => {
  it("given the largest state the bounds allow, when serialised, then it fits in an attachment", () => {
    // Control characters take 6 bytes in JSON; astral characters take 4 in UTF-8 and 2 units.
    const wide = "\u0001".repeat(1024);
    const id = "x".repeat(128);
    const largest: SessionState = {
      v: 1,
      session_id: id,
      settings: {
        workspace: wide,
        project_path: `${"\u{1F600}".repeat(511)}"`,
        model: "m".repeat(200),
        max_tokens: 200_000,
        temperature: 0.123456789,
        max_turns: 200,
        aura_session_id: id,
        aura_org_id: id,
      },
      delivered_seq: Number.MAX_SAFE_INTEGER,
    };
    expect(restoreSessionState(largest)).toEqual(largest);
    expect(serialize(largest).byteLength).toBeLessThan(MAX_ATTACHMENT_BYTES);
    const json = new TextEncoder().encode(JSON.stringify(largest));
    expect(json.byteLength).toBeLessThan(MAX_ATTACHMENT_BYTES);
  });

  it("given an attachment of another shape or none, when restored, then the session starts over", () => {
    for (const attachment of [null, undefined, "x", { v: 2 }, { ...ready(), settings: 3 }]) {
      expect(restoreSessionState(attachment)).toEqual(initialSessionState());
    }
    const state = ready();
    expect(restoreSessionState(structuredClone(state))).toEqual(state);
  });
});
