import { type MockInstance, vi } from "vitest";
import { MockProvider } from "../../src/reasoner/mock.js";
import type { ModelRequest, ModelResponse } from "../../src/reasoner/types.js";
import { scriptModel } from "./scripted-model.js";

/**
 * The Worker's Durable Objects run in the test's isolate, so a spy on the mock provider's
 * prototype sees every model call the agents make — before and after an eviction. Restore
 * it with `vi.restoreAllMocks()` after each test.
 */
export type ModelSpy = MockInstance<(request: ModelRequest) => Promise<ModelResponse>>;

/**
 * Holds the mock model's answers until `release()`; `answerFreely()` lets later calls
 * through at once (calls still held stay held). `spy` counts every call.
 *
 * @example
 * const model = holdModelCalls();
 * // …a turn is now waiting on its model call…
 * model.release();
 */
export function holdModelCalls(): { spy: ModelSpy; release(): void; answerFreely(): void } {
  const original = MockProvider.prototype.complete;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const spy = vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async function (
    this: MockProvider,
    request: ModelRequest,
  ) {
    await released;
    return original.call(this, request);
  });
  return { spy, release, answerFreely: () => spy.mockImplementation(original) };
}

/**
 * Makes every mock model call take `ms` of wall time, as a real model call does, so new
 * requests reach an agent while its turn is waiting on the model.
 */
export function slowModelCalls(ms: number): ModelSpy {
  const original = MockProvider.prototype.complete;
  return vi.spyOn(MockProvider.prototype, "complete").mockImplementation(async function (
    this: MockProvider,
    request: ModelRequest,
  ) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return original.call(this, request);
  });
}

/** Lets every mock model call through, keeping a copy of each request, in order. */
export function recordModelRequests(): ModelRequest[] {
  return scriptModel(() => undefined);
}
