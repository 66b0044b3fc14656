import type { TurnEnd } from "../log/turn-end.js";

/**
 * The fleet counters a deployment writes to Workers Analytics Engine: one data point per run
 * of a turn, in the dataset bound as `AURA_ANALYTICS` (optional; without it nothing is
 * written). Only ids, enumerated codes and counts — never a payload, a prompt, a model's
 * answer, a tool's result, an error message or a secret. docs/operations.md
 * ("Analytics Engine") lists the columns and sample queries.
 */

/** `blob1` of a turn's data point: what the point describes, and the schema of its columns. */
export const TURN_POINT = "turn.v1";

/** The most bytes Analytics Engine accepts in an index. */
export const MAX_INDEX_BYTES = 96;

/**
 * The data point of one run of a turn of `agentId`, an agent of `org`.
 *
 * - index: the org (sampling is per index), cut to {@link MAX_INDEX_BYTES};
 * - blobs: `turn.v1`, org, agent id, outcome, stop reason (`""` when the loop did not
 *   return), error code (`""` when none);
 * - doubles: entries, model calls, tool calls, input tokens, output tokens, errors (1 when
 *   the run failed or crashed), duration in ms.
 *
 * @example
 * dataset.writeDataPoint(turnDataPoint("acme", agentId, end));
 */
export function turnDataPoint(
  org: string,
  agentId: string,
  end: TurnEnd,
): AnalyticsEngineDataPoint {
  const failed = end.outcome === "failed" || end.outcome === "crashed";
  return {
    indexes: [indexOf(org)],
    blobs: [TURN_POINT, org, agentId, end.outcome, end.stopReason ?? "", end.errorCode ?? ""],
    doubles: [
      end.entries,
      end.modelCalls,
      end.toolCalls,
      end.inputTokens,
      end.outputTokens,
      failed ? 1 : 0,
      Math.round(end.durationMs),
    ],
  };
}

/**
 * Writes `point` to `dataset` when one is bound. Never throws: a dataset that refuses a
 * point loses that point, never the turn or request that reported it. Returns whether the
 * dataset took it.
 *
 * @example
 * writePoint(env.AURA_ANALYTICS, turnDataPoint(org, agentId, end));
 */
export function writePoint(
  dataset: AnalyticsEngineDataset | undefined,
  point: AnalyticsEngineDataPoint,
): boolean {
  if (!dataset) return false;
  try {
    dataset.writeDataPoint(point);
    return true;
  } catch {
    return false;
  }
}

/** `value` cut to at most {@link MAX_INDEX_BYTES} bytes of UTF-8, on a character boundary. */
function indexOf(value: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(value).length <= MAX_INDEX_BYTES) return value;
  let cut = "";
  for (const char of value) {
    if (encoder.encode(cut + char).length > MAX_INDEX_BYTES) break;
    cut += char;
  }
  return cut;
}
