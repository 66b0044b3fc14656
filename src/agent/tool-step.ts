import type { Run } from "./loop-run.js";
import { emit, isCancelled } from "./loop-run.js";
import {
  addFilesChanged,
  errorResult,
  runToolCall,
  type ToolResultBlock,
  type ToolUseBlock,
} from "./tool-executor.js";

/** Result text of a tool call cut off by the model's `max_tokens`. */
export const TRUNCATED_RESULT = "error: tool call truncated by max_tokens; it was not executed";
/** Result text of a tool call not run because the turn was cancelled. */
export const CANCELLED_RESULT = "error: cancelled before this tool call ran";

/** Runs the calls in order; after a cancel, the rest are answered without running. */
export async function executeAll(
  run: Run,
  uses: readonly ToolUseBlock[],
): Promise<{ results: ToolResultBlock[]; cancelled: boolean }> {
  const results: ToolResultBlock[] = [];
  let cancelled = false;
  for (const use of uses) {
    cancelled ||= await isCancelled(run);
    if (cancelled) {
      results.push(answer(run, use, CANCELLED_RESULT));
      continue;
    }
    const call = { tool_use_id: use.id, name: use.name, input: use.input };
    const options = run.deps.signal ? { signal: run.deps.signal } : {};
    const outcome = await runToolCall(run.deps.tools, call, run.known, options);
    addFilesChanged(run.files, outcome.files_changed);
    results.push(answer(run, use, outcome.content, outcome.is_error));
  }
  return { results, cancelled };
}

/** The result block for `use`, announced to watchers. */
export function answer(
  run: Run,
  use: ToolUseBlock,
  content: string,
  isError = true,
): ToolResultBlock {
  const block: ToolResultBlock = isError
    ? errorResult(use.id, content)
    : { type: "tool_result", tool_use_id: use.id, content, is_error: false };
  emit(run, {
    type: "tool_result",
    tool_use_id: use.id,
    name: use.name,
    result: content,
    is_error: isError,
  });
  return block;
}
