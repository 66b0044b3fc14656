import { describe, expect, it } from "vitest";
import { MIN_OUTPUT_TOKENS, planModelCall } from "./budget.js";

describe("planModelCall", () => {
  it("calls with the full max_tokens when there is no budget", () => {
    expect(planModelCall({ remaining: undefined, estimatedInput: 1e9, maxTokens: 16_384 })).toEqual(
      {
        type: "call",
        max_tokens: 16_384,
      },
    );
  });

  it("keeps max_tokens when the budget covers the input and all of it", () => {
    const plan = planModelCall({ remaining: 100_000, estimatedInput: 1_000, maxTokens: 16_384 });
    expect(plan).toEqual({ type: "call", max_tokens: 16_384 });
  });

  it("lowers max_tokens to the room the budget leaves after the input", () => {
    const plan = planModelCall({ remaining: 5_000, estimatedInput: 1_000, maxTokens: 16_384 });
    expect(plan).toEqual({ type: "call", max_tokens: 4_000 });
  });

  it("stops when the budget leaves less than the minimum output after the input", () => {
    const plan = planModelCall({
      remaining: 1_000 + MIN_OUTPUT_TOKENS - 1,
      estimatedInput: 1_000,
      maxTokens: 16_384,
    });
    expect(plan).toEqual({ type: "stop", remaining: 2_023, needed: 2_024 });
  });

  it("needs only max_tokens of output when max_tokens is below the minimum", () => {
    const plan = planModelCall({ remaining: 150, estimatedInput: 100, maxTokens: 50 });
    expect(plan).toEqual({ type: "call", max_tokens: 50 });
  });

  it("reports an overspent budget as zero remaining", () => {
    const plan = planModelCall({ remaining: -20, estimatedInput: 10, maxTokens: 100 });
    expect(plan).toMatchObject({ type: "stop", remaining: 0 });
  });
});
