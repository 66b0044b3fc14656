import type { ProposeRequest, ProposeResponse, ProposeTrace } from "../protocol/propose.js";
import { buildModelRequest, toProposals } from "./propose-mapping.js";
import {
  type ModelAttempt,
  type ModelCallContext,
  ModelError,
  type ModelErrorCode,
  type ModelProvider,
} from "./types.js";

/** What one proposal call needs from its shell. */
export interface ProposeDeps {
  provider: ModelProvider;
  /** Wall clock in milliseconds, read before and after the model call for `latency_ms`. */
  now: () => number;
  /** Who the call is made for (proxy mode forwards it to the router). */
  context?: ModelCallContext;
}

type Metadata = ProposeTrace["metadata"];

/**
 * The `POST /propose` service, stateless: asks the provider's default model about the
 * transaction (see {@link buildModelRequest}) and maps its answer to proposals (see
 * {@link toProposals}), cut to `limits.max_proposals`. `limits.timeout_ms` bounds the whole
 * call, retries included. It never throws for a model failure: a failed call answers no
 * proposals with `trace.metadata.error = {code, message}`, as the reference gateway does.
 *
 * @example
 * const { proposals, trace } = await propose(body, { provider: new MockProvider(), now: Date.now });
 */
export async function propose(
  request: ProposeRequest,
  deps: ProposeDeps,
): Promise<ProposeResponse> {
  const { provider, now } = deps;
  const modelRequest = buildModelRequest(request, provider.defaultModel);
  const timeoutMs = request.limits.timeout_ms;
  const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const started = now();
  const latency = () => Math.max(0, Math.round(now() - started));
  try {
    const response = await provider.complete(modelRequest, {
      ...(signal === undefined ? {} : { signal }),
      ...(deps.context === undefined ? {} : { context: deps.context }),
    });
    const { proposals, dropped } = toProposals(response, request.limits.max_proposals);
    const metadata: Metadata = {
      provider: provider.name,
      stop_reason: response.stop_reason,
      usage: response.usage,
      ...attemptsOf(response.attempts),
      ...(dropped > 0 ? { dropped_proposals: dropped } : {}),
    };
    return { proposals, trace: { model: response.model, latency_ms: latency(), metadata } };
  } catch (err) {
    const timedOut = signal?.aborted === true;
    const error = failureOf(err, timedOut ? timeoutMs : undefined);
    const metadata: Metadata = {
      provider: provider.name,
      error,
      ...attemptsOf(err instanceof ModelError ? err.attempts : undefined),
    };
    return { proposals: [], trace: { model: modelRequest.model, latency_ms: latency(), metadata } };
  }
}

/** The `{code, message}` of a failed call; an unexpected throw is an `llm_error`. */
function failureOf(
  err: unknown,
  timeoutMs: number | undefined,
): { code: ModelErrorCode; message: string } {
  if (timeoutMs !== undefined) {
    return { code: "timeout", message: `no answer within limits.timeout_ms (${timeoutMs} ms)` };
  }
  if (err instanceof ModelError) return { code: err.code, message: err.message };
  return { code: "llm_error", message: err instanceof Error ? err.message : String(err) };
}

function attemptsOf(attempts: ModelAttempt[] | undefined): Metadata {
  return attempts === undefined || attempts.length === 0
    ? {}
    : { attempts: attempts.map((a) => ({ ...a })) };
}
