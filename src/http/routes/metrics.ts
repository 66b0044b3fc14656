import { Hono } from "hono";
import { directoryStub } from "../../../durable-objects/directory-do.js";
import { agentStub } from "../../../durable-objects/stubs.js";
import { type Result, unwrap } from "../../core/errors.js";
import { AgentId } from "../../core/ids.js";
import { type AgentMetricsSnapshot, orgMetricsOf } from "../../metrics/metrics-view.js";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "../../metrics/prometheus.js";
import { validate } from "../body.js";
import type { AppEnv } from "../context.js";

/** Agents read from the org's directory per page. */
const PAGE = 1000;

/** True when the client asks for the Prometheus text format (`Accept: text/plain`). */
function wantsText(accept: string | undefined): boolean {
  return accept?.includes("text/plain") === true;
}

/**
 * `GET /agents/:id/metrics` (mounted under `/agents`): one agent's metrics, folded from its
 * record; JSON, or the Prometheus text format for `Accept: text/plain`.
 */
export const agentMetricsRoutes = new Hono<AppEnv>().get("/:id/metrics", async (c) => {
  const agentId = validate(AgentId, c.req.param("id"), "agent_id");
  const { org } = c.get("principal");
  const stub = agentStub(c.env, org, agentId);
  // RPC results lose the union's narrowing: the declared type is restated here.
  const snapshot = unwrap(
    (await stub.metrics({ org, agent_id: agentId })) as Result<AgentMetricsSnapshot>,
  );
  if (wantsText(c.req.header("accept"))) {
    return c.body(prometheusText([snapshot]), 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  }
  return c.json(snapshot.metrics);
});

/**
 * `GET /metrics`: the caller's org — every agent's counters summed, percentiles over their
 * merged buckets, and `agents`; or, for `Accept: text/plain`, every agent's series in the
 * Prometheus text format (label `agent_id`) and `aura_agents`.
 */
export const orgMetricsRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const { org } = c.get("principal");
  const snapshots: AgentMetricsSnapshot[] = [];
  let after: string | undefined;
  for (;;) {
    const listed = await directoryStub(c.env, org).list(after, PAGE);
    const page = await Promise.all(
      listed.map(async ({ agent_id }) => {
        const result = (await agentStub(c.env, org, agent_id).metrics({
          org,
          agent_id,
        })) as Result<AgentMetricsSnapshot>;
        // An agent listed but gone since (or not yet created) is left out.
        if (!result.ok && result.code === "not_found") return undefined;
        return unwrap(result);
      }),
    );
    for (const snapshot of page) if (snapshot) snapshots.push(snapshot);
    if (listed.length < PAGE) break;
    after = listed.at(-1)?.agent_id;
  }
  if (wantsText(c.req.header("accept"))) {
    const text = prometheusText(snapshots, snapshots.length);
    return c.body(text, 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  }
  return c.json(orgMetricsOf(snapshots));
});
