import type { RecordedToolCall } from "../../src/agent/recorded-tool-calls.js";
import {
  type FilesChanged,
  hasFilesChanged,
  type ToolCall,
  type ToolExecutor,
  type ToolOutcome,
  TurnSuspension,
} from "../../src/agent/tool-executor.js";
import {
  executionText,
  type ToolExecutionRecord,
  type ToolProposalRecord,
} from "../../src/agent/tool-record.js";
import { decideToolCall, type Policy, type PolicyDecision } from "../../src/kernel/policy.js";
import type { ToolResult } from "../../src/protocol/sandbox.js";
import type { ArgsCheck } from "../../src/tools/validate-args.js";

/** Thrown when a tool call waits for a person's approval; the turn stays open, parked. */
export class TurnParked extends TurnSuspension {
  readonly tool_use_id: string;
  constructor(toolUseId: string) {
    super(`tool call ${toolUseId} waits for approval`);
    this.tool_use_id = toolUseId;
  }
}

/** What a dispatch produced. */
export interface DispatchOutcome {
  result: ToolResult;
  files_changed?: FilesChanged;
}

/** Runs an approved call for real; `action_id` makes a repeat return the first outcome. */
export type ToolDispatch = (call: {
  tool: string;
  args: Record<string, unknown>;
  action_id: string;
}) => Promise<DispatchOutcome>;

/** What the gateway needs from the runner. */
export interface ToolGatewayHost {
  policy: Policy;
  /** Checks the model's arguments before anything is decided. */
  validate(tool: string, input: unknown): ArgsCheck;
  /** Tool calls this turn already recorded, in order. */
  recorded: readonly RecordedToolCall[];
  /** Whether a person approved `tool` earlier in the agent's session (`ask_once`). */
  approvedThisSession(tool: string): boolean;
  /** Stages a `tool_proposal` and returns its transaction hash. */
  propose(proposal: ToolProposalRecord): string;
  /** Stages a `tool_execution`. */
  executed(execution: ToolExecutionRecord): void;
  /** Makes staged entries durable (before every dispatch: intent before effect). */
  flush(): void;
  /** False once the agent is paused: nothing new is dispatched then. */
  mayDispatch(): boolean;
  /** Told before the first call the record does not fully answer: the replay is over. */
  onLive?(): void;
  dispatch: ToolDispatch;
}

/**
 * The kernel-mediated tools: the agent loop calls it like any executor. Every call is
 * validated, decided by policy and recorded as a `tool_proposal` before anything runs, and
 * its outcome as a `tool_execution` after. Calls the turn already recorded are answered from
 * the record; an approved call whose outcome was never recorded (a crash mid-dispatch) is
 * re-sent with the same idempotency key, so the sandbox returns its first outcome rather than
 * running it twice. A call waiting for approval parks the turn ({@link TurnParked}).
 */
export class RecordingToolGateway implements ToolExecutor {
  readonly #host: ToolGatewayHost;
  #next = 0;

  constructor(host: ToolGatewayHost) {
    this.#host = host;
  }

  async execute(call: ToolCall): Promise<ToolOutcome> {
    const index = this.#next++;
    const prior = this.#host.recorded[index];
    if (prior) {
      if (prior.proposal.tool_use_id !== call.tool_use_id || prior.proposal.tool !== call.name) {
        throw new Error(
          `replay diverged at tool call ${index + 1}: the call differs from the record`,
        );
      }
      if (prior.execution) return outcomeOf(prior.execution);
      this.#host.onLive?.();
      return this.#resume(prior);
    }
    this.#host.onLive?.();
    const check = this.#host.validate(call.name, call.input);
    if (!check.ok) {
      const reason = `${check.code}: ${check.message}`;
      const base = { tool_use_id: call.tool_use_id, tool: call.name, args: call.input };
      this.#host.propose({ ...base, decision: "denied", reason });
      return this.#record({
        ...base,
        decision: "denied",
        reason,
        result: failure(call.name, check.code, check.message),
        is_error: true,
      });
    }
    const decision = decideToolCall(
      this.#host.policy,
      call.name,
      this.#host.approvedThisSession(call.name),
    );
    const proposal: ToolProposalRecord = {
      tool_use_id: call.tool_use_id,
      tool: call.name,
      args: check.args,
      ...decision,
    };
    const proposalTx = this.#host.propose(proposal);
    return this.#settle({ proposal, proposal_tx: proposalTx }, decision);
  }

  /** Finishes a recorded call that has no outcome yet. */
  #resume(prior: RecordedToolCall): Promise<ToolOutcome> {
    const { proposal, approval } = prior;
    if (proposal.decision !== "pending_approval") {
      return this.#settle(prior, { decision: proposal.decision, reason: proposal.reason ?? "" });
    }
    if (!approval) throw new TurnParked(proposal.tool_use_id);
    const who = approval.approver === undefined ? "" : ` by ${approval.approver}`;
    return this.#settle(
      prior,
      approval.approved
        ? { decision: "approved", reason: `approved${who}` }
        : { decision: "denied", reason: `denied${who}` },
    );
  }

  async #settle(call: RecordedToolCall, decision: PolicyDecision): Promise<ToolOutcome> {
    const { proposal } = call;
    const base = { tool_use_id: proposal.tool_use_id, tool: proposal.tool, args: proposal.args };
    const reason = decision.reason === undefined ? {} : { reason: decision.reason };
    if (decision.decision === "denied") {
      return this.#record({
        ...base,
        decision: "denied",
        ...reason,
        result: failure(proposal.tool, "tool_disabled", decision.reason),
        is_error: true,
      });
    }
    if (decision.decision === "pending_approval") {
      this.#host.flush();
      throw new TurnParked(proposal.tool_use_id);
    }
    if (!this.#host.mayDispatch()) throw new TurnSuspension("the agent was paused during its turn");
    this.#host.flush();
    const outcome = await this.#host.dispatch({
      tool: proposal.tool,
      args: proposal.args as Record<string, unknown>,
      action_id: call.proposal_tx,
    });
    const execution: ToolExecutionRecord = {
      ...base,
      decision: "approved",
      ...reason,
      action_id: call.proposal_tx,
      result: outcome.result,
      is_error: !outcome.result.ok,
    };
    if (outcome.files_changed && hasFilesChanged(outcome.files_changed)) {
      execution.files_changed = outcome.files_changed;
    }
    return this.#record(execution);
  }

  #record(execution: ToolExecutionRecord): ToolOutcome {
    this.#host.executed(execution);
    return outcomeOf(execution);
  }
}

/** The loop's view of a recorded execution. */
export function outcomeOf(execution: ToolExecutionRecord): ToolOutcome {
  const outcome: ToolOutcome = { content: executionText(execution), is_error: execution.is_error };
  if (execution.files_changed) outcome.files_changed = execution.files_changed;
  return outcome;
}

/** A failed {@link ToolResult} with a reference error code. */
export function failure(tool: string, code: string, message: string): ToolResult {
  return { tool, ok: false, stdout: "", stderr: message, metadata: { error_code: code } };
}
