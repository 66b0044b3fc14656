import {
  ModelError,
  type ModelErrorCode,
  type ModelRequest,
  type ModelResponse,
  type ModelStreamEvent,
} from "../reasoner/types.js";
import { planModelCall } from "./budget.js";
import { compactMessages, selectCompactionTier } from "./compaction.js";
import { streamEventsOf } from "./events.js";
import { emit, type Run, type Stop } from "./loop-run.js";
import type { IterationRecord } from "./loop-types.js";
import { sanitizeMessages } from "./sanitize.js";
import { estimateTokens } from "./token-estimate.js";

/** Model error codes worth retrying later (the event's `recoverable`). */
const TRANSIENT: ReadonlySet<ModelErrorCode> = new Set([
  "rate_limited",
  "overloaded",
  "timeout",
  "stream_interrupted",
]);

/**
 * One model call of the loop: measures the context (the last response's `input_tokens` plus an
 * estimate of what was appended since, or an estimate of everything before the first call),
 * compacts the working view for that utilisation, sanitises it, checks the credit budget and
 * calls the model, forwarding its stream events — or, when it streamed none, the events its
 * response stands for. Returns the response and its iteration record, or the stop it leads
 * to. Errors that are not {@link ModelError}s are rethrown.
 */
export async function callModel(
  run: Run,
  index: number,
): Promise<Stop | { response: ModelResponse; record: IterationRecord }> {
  const { settings } = run.input;
  const tools = settings.tools ?? [];
  const contextTokens =
    run.measured === null
      ? estimateTokens(run.working, settings.system, tools)
      : run.measured.tokens + estimateTokens(run.working.slice(run.measured.length));
  run.utilization = contextTokens / run.window;
  const tier = selectCompactionTier(run.utilization);
  run.working = compactMessages(run.working, tier);
  const messages = sanitizeMessages(run.working);

  const remaining =
    settings.credit_budget_tokens === undefined
      ? undefined
      : settings.credit_budget_tokens - run.usage.input_tokens - run.usage.output_tokens;
  // Only a budget needs the estimate of this exact request.
  const estimatedInput =
    remaining === undefined ? 0 : estimateTokens(messages, settings.system, tools);
  const plan = planModelCall({ remaining, estimatedInput, maxTokens: run.maxTokens });
  if (plan.type === "stop") {
    const message = `credit budget exhausted: ${plan.remaining} tokens left, next call needs about ${plan.needed}`;
    return {
      reason: "insufficient_credits",
      error: { code: "insufficient_credits", message, recoverable: false },
    };
  }

  const request: ModelRequest = { model: settings.model, messages, max_tokens: plan.max_tokens };
  if (settings.system !== undefined) request.system = settings.system;
  if (tools.length > 0) request.tools = tools;
  if (settings.temperature !== undefined) request.temperature = settings.temperature;
  if (settings.thinking_budget !== undefined) request.thinking_budget = settings.thinking_budget;

  let streamed = false;
  const onEvent = (event: ModelStreamEvent) => {
    streamed = true;
    emit(run, event);
  };
  let response: ModelResponse;
  try {
    response = await run.deps.provider.complete(request, {
      onEvent,
      ...(run.deps.signal ? { signal: run.deps.signal } : {}),
      ...(run.deps.context ? { context: run.deps.context } : {}),
    });
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    return modelErrorStop(err);
  }
  if (!streamed) for (const event of streamEventsOf(response)) emit(run, event);

  run.usage.input_tokens += response.usage.input_tokens;
  run.usage.output_tokens += response.usage.output_tokens;
  run.model = response.model;
  run.measured = { tokens: response.usage.input_tokens, length: run.working.length };
  run.utilization = response.usage.input_tokens / run.window;
  const record: IterationRecord = {
    index,
    compaction_keep_recent: tier?.keep_recent ?? null,
    max_tokens: plan.max_tokens,
    model_stop_reason: response.stop_reason,
    usage: response.usage,
    tool_calls: [],
  };
  run.iterations.push(record);
  return { response, record };
}

function modelErrorStop(err: ModelError): Stop {
  if (err.code === "cancelled") return { reason: "cancelled" };
  if (err.code === "insufficient_credits") {
    const error = {
      code: "insufficient_credits" as const,
      message: err.message,
      recoverable: false,
    };
    return { reason: "insufficient_credits", error };
  }
  const recoverable = TRANSIENT.has(err.code);
  return { reason: "error", error: { code: "llm_error", message: err.message, recoverable } };
}
