import type { ReasoningRecord } from "../../src/agent/reasoning-record.js";
import { TurnSuspension } from "../../src/agent/tool-executor.js";
import { requestDigest } from "../../src/reasoner/request-digest.js";
import {
  type ModelCallOptions,
  ModelError,
  type ModelErrorCode,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
} from "../../src/reasoner/types.js";

/** Thrown to stop a turn where it stands (the agent was paused); the turn stays open. */
export class TurnSuspended extends TurnSuspension {
  constructor() {
    super("the agent was paused during its turn");
  }
}

/** What the gateway needs from the runner. */
export interface GatewayHost {
  /** The provider that makes real calls. */
  provider: ModelProvider;
  /** Model calls this turn already recorded, in order. */
  recorded: readonly ReasoningRecord[];
  /** Records a new call (staged; committed before the next real call or with the reply). */
  record(reasoning: ReasoningRecord): void;
  /** Makes staged entries durable: runs before every real call. */
  flush(): void;
  /** False once the agent is paused: no new real call is made then. */
  mayCall(): boolean;
  /** Told before the first call the record does not answer: the turn's replay is over. */
  onLive?(): void;
}

/**
 * The kernel-mediated model: the agent loop calls it like a provider. Calls the turn already
 * recorded are answered from the record — after checking the request is the same one — so a
 * resumed turn never calls the model again for recorded work; new calls go to the real
 * provider and are recorded, failures included.
 */
export class RecordingModelGateway implements ModelProvider {
  readonly name: string;
  readonly defaultModel: string;
  readonly #host: GatewayHost;
  #next = 0;

  constructor(host: GatewayHost) {
    this.#host = host;
    this.name = host.provider.name;
    this.defaultModel = host.provider.defaultModel;
  }

  async complete(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
    const digest = requestDigest(request);
    const index = this.#next++;
    const prior = this.#host.recorded[index];
    if (prior) {
      if (prior.request_digest !== digest) {
        throw new Error(
          `replay diverged at model call ${index + 1}: the request differs from the recorded one`,
        );
      }
      return answer(prior);
    }
    if (!this.#host.mayCall()) throw new TurnSuspended();
    this.#host.onLive?.();
    this.#host.flush();
    const record: ReasoningRecord = {
      request_digest: digest,
      provider: this.name,
      model: request.model,
    };
    try {
      record.response = await this.#host.provider.complete(request, options);
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      record.error = { code: err.code, message: err.message, attempts: err.attempts };
    }
    this.#host.record(record);
    return answer(record);
  }
}

function answer(record: ReasoningRecord): ModelResponse {
  if (record.response) return record.response;
  const error = record.error ?? { code: "llm_error", message: "the model returned nothing" };
  throw new ModelError(error.code as ModelErrorCode, error.message, error.attempts ?? []);
}
