import { type Anthropic, APIError } from "@anthropic-ai/sdk";
import { type AttemptFailure, classifyFailure } from "./classify-failure.js";
import { fromSdkBlock, type MessageParams, toMessageParams } from "./messages-params.js";
import {
  type AssembledMessage,
  assembleStream,
  MalformedMessageError,
  StreamInterruptedError,
} from "./messages-stream.js";
import { backoffMs, DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep, sleep } from "./retry.js";
import {
  type ModelAttempt,
  type ModelCallContext,
  type ModelCallOptions,
  ModelError,
  type ModelProvider,
  type ModelRequest,
  ModelResponse,
  type ModelStreamEvent,
} from "./types.js";

/** How calls are made, shared by the `anthropic` and `proxy` adapters. */
export interface CallTuning {
  /** Tried after the primary model stays overloaded (529/5xx) through its attempts. */
  fallbackModel?: string;
  /** Per attempt, in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Stream the answer (default) or ask for one JSON message. */
  stream?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts; tests pass a recording one. */
  sleep?: Sleep;
  /** Clock for `retry-after` dates. */
  now?: () => number;
}

/** One configured Messages API backend. */
export interface MessagesProviderOptions extends CallTuning {
  /** Recorded in reasoning entries: `anthropic` or `proxy`. */
  name: string;
  /** The configured model: the agent's default when it names none. */
  model: string;
  /** The SDK client for one call (the proxy's carries the caller's JWT and headers). */
  client: (context: ModelCallContext | undefined) => Anthropic;
}

type AttemptOutcome =
  | { ok: true; response: ModelResponse }
  | { ok: false; failure: AttemptFailure };

/**
 * A {@link ModelProvider} over the Messages API with our own retries (the SDK's are off):
 * 429, 5xx, 529, connection errors and cut streams are retried up to `maxAttempts` times,
 * waiting `retry-after` or 1 s then 2 s; an overloaded primary model hands over to the
 * fallback. Once a delta has been forwarded through `onEvent` a failure is final, so no
 * caller ever sees half of one answer followed by another. Every attempt is returned in
 * `attempts` — on the response, or on the {@link ModelError}.
 *
 * @example
 * const provider = new MessagesProvider({ name: "anthropic", model: "claude-opus-4-6", client: () => sdk });
 * const response = await provider.complete(request, { onEvent: (e) => console.log(e) });
 */
export class MessagesProvider implements ModelProvider {
  readonly name: string;
  readonly defaultModel: string;
  readonly #options: MessagesProviderOptions;
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;

  constructor(options: MessagesProviderOptions) {
    this.name = options.name;
    this.defaultModel = options.model;
    this.#options = options;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  async complete(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    const client = this.#options.client(options.context);
    const primary = request.model;
    const fallback = this.#options.fallbackModel;
    const models = fallback !== undefined && fallback !== primary ? [primary, fallback] : [primary];
    const attempts: ModelAttempt[] = [];
    let forwarded = false;
    const emit = (event: ModelStreamEvent) => {
      forwarded = true;
      options.onEvent?.(event);
    };
    let last: AttemptFailure | undefined;
    for (const model of models) {
      for (let n = 1; n <= this.#policy.maxAttempts; n++) {
        const attempt = attempts.length + 1;
        const outcome = await this.#attempt(client, request, model, emit, options.signal);
        if (outcome.ok) {
          attempts.push({ attempt, model, ok: true });
          return { ...outcome.response, attempts };
        }
        const failure = outcome.failure;
        const retryable = failure.retryable && !forwarded;
        const wait =
          retryable && n < this.#policy.maxAttempts
            ? (failure.retry_after_ms ?? backoffMs(n, this.#policy.baseDelayMs))
            : undefined;
        attempts.push(failedAttempt(attempt, model, failure, wait));
        if (!retryable) throw new ModelError(failure.code, failure.message, attempts);
        last = failure;
        if (wait === undefined) break;
        try {
          await (this.#options.sleep ?? sleep)(wait, options.signal);
        } catch {
          throw new ModelError("cancelled", "the model call was cancelled", attempts);
        }
      }
      if (!last?.overloaded) break;
    }
    const failure = last!;
    const message = `${failure.message} (after ${attempts.length} attempts)`;
    throw new ModelError(failure.code, message, attempts);
  }

  /** One try against one model, bounded by the timeout and the caller's signal. */
  async #attempt(
    client: Anthropic,
    request: ModelRequest,
    model: string,
    emit: (event: ModelStreamEvent) => void,
    signal: AbortSignal | undefined,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("model call timed out"));
    }, this.#timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const params = toMessageParams(request, model);
      const message =
        this.#options.stream === false
          ? await this.#json(client, params, controller.signal)
          : await this.#streamed(client, params, controller.signal, emit);
      return { ok: true, response: validated(message) };
    } catch (err) {
      const failure = classifyFailure(err, {
        cancelled: signal?.aborted ?? false,
        timedOut,
        now: (this.#options.now ?? Date.now)(),
        maxRetryAfterMs: this.#policy.maxRetryAfterMs,
      });
      return { ok: false, failure };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async #streamed(
    client: Anthropic,
    params: MessageParams,
    signal: AbortSignal,
    emit: (event: ModelStreamEvent) => void,
  ): Promise<AssembledMessage> {
    const stream = await client.messages.create(
      { ...params, stream: true },
      { signal, timeout: this.#timeoutMs },
    );
    try {
      return await assembleStream(stream, emit);
    } catch (err) {
      if (err instanceof APIError || err instanceof MalformedMessageError) throw err;
      if (err instanceof StreamInterruptedError) throw err;
      throw new StreamInterruptedError(`the stream broke: ${String(err)}`);
    }
  }

  async #json(
    client: Anthropic,
    params: MessageParams,
    signal: AbortSignal,
  ): Promise<AssembledMessage> {
    const message = await client.messages.create(
      { ...params, stream: false },
      { signal, timeout: this.#timeoutMs },
    );
    return {
      model: message.model,
      content: message.content.flatMap((block) => fromSdkBlock(block) ?? []),
      stop_reason: message.stop_reason,
      usage: {
        input_tokens: message.usage.input_tokens,
        output_tokens: message.usage.output_tokens,
      },
    };
  }
}

function validated(message: AssembledMessage): ModelResponse {
  const parsed = ModelResponse.safeParse(message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "response";
    throw new MalformedMessageError(
      `the model's response is invalid at ${where}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

function failedAttempt(
  attempt: number,
  model: string,
  failure: AttemptFailure,
  wait: number | undefined,
): ModelAttempt {
  return {
    attempt,
    model,
    ok: false,
    ...(failure.http_status !== undefined ? { http_status: failure.http_status } : {}),
    error: `${failure.code}: ${failure.message}`,
    ...(wait !== undefined ? { retry_after_ms: wait } : {}),
  };
}
