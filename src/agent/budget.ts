/**
 * The fewest output tokens worth a model call: when the budget leaves less room than this
 * after the estimated input, the loop stops instead of calling.
 */
export const MIN_OUTPUT_TOKENS = 1024;

/** The decision for one model call under a credit budget. */
export type BudgetDecision =
  | { type: "call"; max_tokens: number }
  | { type: "stop"; remaining: number; needed: number };

/**
 * Decides whether a model call fits in what is left of a credit budget (in tokens, input and
 * output counted alike), before the call is made:
 *
 * - without a budget the call goes ahead with `max_tokens`;
 * - otherwise the call must fit its estimated input plus at least
 *   `min(max_tokens, MIN_OUTPUT_TOKENS)` output tokens, and its `max_tokens` is lowered to the
 *   room left, so the call cannot overspend the budget by more than the input estimate's error.
 *
 * @example
 * planModelCall({ remaining: 5_000, estimatedInput: 1_000, maxTokens: 16_384 });
 * // { type: "call", max_tokens: 4_000 }
 */
export function planModelCall(args: {
  /** Tokens left in the budget, or undefined for no budget. */
  remaining: number | undefined;
  estimatedInput: number;
  maxTokens: number;
}): BudgetDecision {
  const { remaining, estimatedInput, maxTokens } = args;
  if (remaining === undefined) return { type: "call", max_tokens: maxTokens };
  const needed = estimatedInput + Math.min(maxTokens, MIN_OUTPUT_TOKENS);
  if (remaining < needed) return { type: "stop", remaining: Math.max(0, remaining), needed };
  return { type: "call", max_tokens: Math.min(maxTokens, remaining - estimatedInput) };
}
