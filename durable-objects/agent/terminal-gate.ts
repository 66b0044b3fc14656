import {
  TERMINAL_TOOL,
  type TerminalEvent,
  type TerminalRequested,
  terminalApprovalTransaction,
  terminalApprovedIn,
  terminalToolUseId,
  terminalTransaction,
} from "../../src/agent/terminal-record.js";
import type { ApprovalRecord } from "../../src/agent/tool-record.js";
import { fail, type Result } from "../../src/core/errors.js";
import type { Transaction } from "../../src/core/record.js";
import { decideToolCall, type Policy, permissionFor } from "../../src/kernel/policy.js";
import { EMPTY_OUTCOME } from "../../src/kernel/step.js";
import type { AgentAddress } from "./admission.js";
import type { AgentStore } from "./agent-store.js";
import type { ApproveInput, PendingApprovalView } from "./approval.js";

/** How long an opening waits for a person's answer before it is refused. */
export const TERMINAL_APPROVAL_WAIT_MS = 60_000;

/** `openTerminal`: who asks for a terminal in the agent's workspace. */
export interface OpenTerminalInput extends AgentAddress {
  /** `sub` of the caller's token. */
  sub: string;
}

/** An opened terminal: its id, and the time its opening was recorded. */
export interface OpenedTerminal {
  terminal_id: string;
  opened_at: number;
}

/** `closeTerminal`: how an opened terminal ended. */
export interface CloseTerminalInput extends AgentAddress {
  terminal_id: string;
  sub: string;
  opened_at: number;
  closed_by: "client" | "sandbox";
  code: number;
}

/** What the gate needs from the agent's object. */
export interface TerminalGateHost {
  store: Pick<AgentStore, "requireMeta" | "commit" | "entriesOfTypes">;
  /** The policy the agent's tools run under. */
  policy(): Policy;
  /** The seq the agent's current session started at (1 without sessions). */
  sessionSeq(): number;
  /** True when a `/stream` client with a session watches the agent (someone to ask). */
  hasWatchers(): boolean;
  newTerminalId(): string;
  now(): number;
}

/** An opening waiting for a person; the request is in the record, the wait is this object's. */
interface Waiting {
  request: TerminalRequested;
  request_tx: string;
  settle(answer: ApprovalRecord | undefined): void;
}

/**
 * The terminal as a tool under the agent's policy (`terminal`). An opening is decided like a
 * tool call: allowed, denied, or — under `ask_once` without an approval in the session, or
 * `always_ask` — recorded as a request that watchers are asked about (`approval_request`), then
 * answered through the approvals route or a socket's `approval_response` within
 * {@link TERMINAL_APPROVAL_WAIT_MS}. Every outcome is a `system` entry (`terminal_opened`,
 * `terminal_denied`, later `terminal_closed`) committed through the kernel; an answer is an
 * `action_result` approval of `terminal`, which is what "approved this session" reads.
 *
 * Terminal entries are committed outside the drain: they are not part of any turn (their ids
 * do not derive from one), a commit is synchronous, and a turn's entries never depend on
 * which seq they land at, so a running turn is not disturbed.
 */
export class TerminalGate {
  readonly #host: TerminalGateHost;
  /** Openings waiting for an answer, by `tool_use_id` (memory only: the caller waits too). */
  readonly #waiting = new Map<string, Waiting>();

  constructor(host: TerminalGateHost) {
    this.#host = host;
  }

  /** Decides, records and (when it must) asks about one opening; `forbidden` when refused. */
  async open(
    input: OpenTerminalInput,
    waitMs = TERMINAL_APPROVAL_WAIT_MS,
  ): Promise<Result<OpenedTerminal>> {
    const policy = this.#host.policy();
    const permission = permissionFor(policy, TERMINAL_TOOL);
    const terminal_id = this.#host.newTerminalId();
    const base = { terminal_id, sub: input.sub, permission };
    const decision = decideToolCall(policy, TERMINAL_TOOL, this.#approvedThisSession());
    if (decision.decision === "approved") return this.#opened(base, decision.reason);
    if (decision.decision === "denied") return this.#denied(policy, base, decision.reason);
    if (!this.#host.hasWatchers()) {
      const reason = `${decision.reason}, and no /stream client watches the agent to approve it`;
      return this.#denied(policy, base, reason);
    }
    const answer = await this.#ask(
      {
        type: "terminal_requested",
        terminal_id,
        tool_use_id: terminalToolUseId(terminal_id),
        sub: input.sub,
        reason: decision.reason,
      },
      waitMs,
    );
    if (answer === undefined) {
      return this.#denied(policy, base, `no answer within ${waitMs / 1000} s`);
    }
    const who = answer.approver === undefined ? "" : ` by ${answer.approver}`;
    return answer.approved
      ? this.#opened(base, `approved${who}`)
      : this.#denied(policy, base, `denied${who}`);
  }

  /**
   * Records the answer to a waiting opening and lets it go on. Undefined when `tool_use_id`
   * names no waiting opening (it may be a turn's tool call).
   */
  answer(input: ApproveInput): Result<{ seq: number }> | undefined {
    const waiting = this.#waiting.get(input.tool_use_id);
    if (!waiting) return undefined;
    this.#waiting.delete(input.tool_use_id);
    const approval: ApprovalRecord = {
      kind: "approval",
      tool_use_id: input.tool_use_id,
      tool: TERMINAL_TOOL,
      approved: input.approved,
    };
    if (input.approver !== undefined) approval.approver = input.approver;
    const tx = terminalApprovalTransaction(
      input.agent_id,
      approval,
      waiting.request_tx,
      this.#host.now(),
    );
    const seq = this.#commit(tx);
    waiting.settle(approval);
    return { ok: true, seq };
  }

  /** Openings waiting for an answer, oldest first, as `GET /agents/:id/approvals` lists them. */
  pending(): PendingApprovalView[] {
    return [...this.#waiting.values()].map(({ request }) => ({
      tool_use_id: request.tool_use_id,
      tool: TERMINAL_TOOL,
      args: {},
      reason: request.reason,
    }));
  }

  /** Records how an opened terminal ended. */
  close(input: CloseTerminalInput): Result<{ seq: number }> {
    const event: TerminalEvent = {
      type: "terminal_closed",
      terminal_id: input.terminal_id,
      sub: input.sub,
      duration_ms: Math.max(0, this.#host.now() - input.opened_at),
      closed_by: input.closed_by,
      code: input.code,
    };
    return { ok: true, seq: this.#record(event).seq };
  }

  #approvedThisSession(): boolean {
    const { store } = this.#host;
    const head = store.requireMeta().head_seq;
    return terminalApprovedIn(
      store.entriesOfTypes(["action_result"], this.#host.sessionSeq(), head + 1),
    );
  }

  /** Records the request (watchers get its `approval_request`), then waits for the answer. */
  #ask(request: TerminalRequested, waitMs: number): Promise<ApprovalRecord | undefined> {
    const { hash } = this.#record(request);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(request.tool_use_id);
        resolve(undefined);
      }, waitMs);
      this.#waiting.set(request.tool_use_id, {
        request,
        request_tx: hash,
        settle: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
      });
    });
  }

  #opened(
    base: { terminal_id: string; sub: string; permission: string },
    reason: string | undefined,
  ): Result<OpenedTerminal> {
    const event: TerminalEvent = {
      type: "terminal_opened",
      ...base,
      ...(reason === undefined ? {} : { reason }),
    };
    const { ts_ms } = this.#record(event);
    return { ok: true, terminal_id: base.terminal_id, opened_at: ts_ms };
  }

  #denied(
    policy: Policy,
    base: { terminal_id: string; sub: string; permission: string },
    reason: string,
  ): Result<OpenedTerminal> {
    this.#record({ type: "terminal_denied", ...base, reason });
    return fail(
      "forbidden",
      `terminal refused by the agent's ${policy.profile} policy (${TERMINAL_TOOL}: ${base.permission}): ${reason}`,
      { policy: policy.profile, tool: TERMINAL_TOOL, permission: base.permission },
    );
  }

  /** Commits one terminal event; returns its seq, transaction hash and time. */
  #record(event: TerminalEvent): { seq: number; hash: string; ts_ms: number } {
    const agentId = this.#host.store.requireMeta().agent_id;
    const tx = terminalTransaction(agentId, event, this.#host.now());
    return { seq: this.#commit(tx), hash: tx.hash, ts_ms: tx.ts_ms };
  }

  #commit(tx: Transaction): number {
    const [entry] = this.#host.store.commit([
      { tx, outcome: EMPTY_OUTCOME, options: { dequeue: false, turn: "keep" } },
    ]);
    return entry?.seq ?? this.#host.store.requireMeta().head_seq;
  }
}
