import { type DispatchResponse, outcomeUnknownResult } from "../../../src/protocol/sandbox.js";
import type { ToolOutcome } from "../tools/run-tool.js";
import type { OutcomeStore } from "./outcome-store.js";

/**
 * Runs each (workspace, action id) at most once. The first dispatch runs the tool and stores
 * its outcome durably; any later dispatch of the same key gets that stored outcome with
 * `replayed: true`, and one that arrives while the first still runs waits for it and gets the
 * same outcome. A key whose first call was cut off by a restart (a pending marker, no outcome)
 * is not run again: it answers the protocol's `outcomeUnknownResult` (`io_error`,
 * `metadata.outcome_unknown: true`), stored as its outcome, so the caller reconciles it
 * explicitly (SPEC §2, invariant 6).
 *
 * @example
 * const dispatcher = new IdempotentDispatch(new OutcomeStore(root));
 * await dispatcher.dispatch(ws, "act-1", "run_command", () => runTool(ctx, tool, args));
 */
export class IdempotentDispatch {
  private readonly running = new Map<string, Promise<ToolOutcome>>();

  constructor(private readonly store: OutcomeStore) {}

  /** The outcome of `actionId` in `workspace`, running `run` only if it never ran. */
  async dispatch(
    workspace: string,
    actionId: string,
    tool: string,
    run: () => Promise<ToolOutcome>,
  ): Promise<DispatchResponse> {
    const key = `${workspace}/${actionId}`;
    const inFlight = this.running.get(key);
    if (inFlight !== undefined) return { ...(await inFlight), replayed: true };
    let replayed = true;
    // Registered before the first await, so a concurrent repeat always finds it.
    const first = (async () => {
      const stored = await this.store.load(workspace, actionId);
      if (stored !== undefined) return stored;
      if (await this.store.wasInterrupted(workspace, actionId)) {
        const unknown = interrupted(tool, actionId);
        await this.store.save(workspace, actionId, unknown);
        return unknown;
      }
      replayed = false;
      await this.store.markPending(workspace, actionId);
      const outcome = await run();
      await this.store.save(workspace, actionId, outcome);
      return outcome;
    })();
    this.running.set(key, first);
    try {
      return { ...(await first), replayed };
    } finally {
      this.running.delete(key);
    }
  }
}

function interrupted(tool: string, actionId: string): ToolOutcome {
  return {
    result: outcomeUnknownResult(
      tool,
      `the first dispatch of action ${actionId} was interrupted before its outcome was stored (the sandbox stopped); it is not run again`,
    ),
    files_changed: { created: [], modified: [], deleted: [] },
  };
}
