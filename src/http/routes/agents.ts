import { Hono } from "hono";
import { z } from "zod";
import { directoryStub } from "../../../durable-objects/directory-do.js";
import { agentStub, projectStub } from "../../../durable-objects/stubs.js";
import { AuraError, unwrap } from "../../core/errors.js";
import { AgentId, newAgentId } from "../../core/ids.js";
import { policyBelowFloor } from "../../kernel/policy.js";
import {
  type AgentSummary,
  ApprovalRequest,
  CreateAgentRequest,
  ForkRequest,
  RecordQuery,
  ToolUseId,
} from "../../protocol/agents.js";
import { readJson, validate } from "../body.js";
import type { AppEnv } from "../context.js";
import { agentTransferRoutes } from "./agent-transfer.js";
import { agentMetricsRoutes } from "./metrics.js";

const MAX_CREATE_BODY_BYTES = 256 * 1024;

const ListQuery = z.object({
  after: AgentId.optional(),
  limit: z.coerce
    .number()
    .int()
    .default(1000)
    .transform((n) => Math.min(1000, Math.max(1, n))),
});

/**
 * `/agents` routes: list, create, head, record, verify, fork, pause, resume and approvals;
 * export and import ({@link agentTransferRoutes}); metrics ({@link agentMetricsRoutes}).
 */
export const agentRoutes = new Hono<AppEnv>()
  .route("/", agentTransferRoutes)
  .route("/", agentMetricsRoutes)
  .get("/", async (c) => {
    const query = validate(ListQuery, c.req.query(), "query");
    const { org } = c.get("principal");
    const listed = await directoryStub(c.env, org).list(query.after, query.limit);
    const agents = await Promise.all(
      listed.map(async (a): Promise<AgentSummary> => {
        const { ok: _ok, ...summary } = unwrap(
          await agentStub(c.env, org, a.agent_id).summary({ org, agent_id: a.agent_id }),
        );
        return summary;
      }),
    );
    return c.json(agents);
  })
  .post("/", async (c) => {
    const body = await readJson(c, CreateAgentRequest, MAX_CREATE_BODY_BYTES);
    // AURA_POLICY is the operator's floor: an agent may ask only for a stricter policy.
    const belowFloor = policyBelowFloor(body.policy, c.get("config").policy);
    if (belowFloor !== undefined) {
      throw new AuraError("invalid_request", `policy: ${belowFloor}`);
    }
    const { org } = c.get("principal");
    // An agent works on a project of its own org only; another org's answers as a missing one.
    if (body.project_id !== undefined) {
      const address = { org, project_id: body.project_id };
      const found = await projectStub(c.env, org, body.project_id).project(address);
      if (!found.ok) {
        throw new AuraError(
          "invalid_request",
          `project_id: no project ${body.project_id} in your organisation`,
        );
      }
    }
    const agentId = newAgentId();
    unwrap(
      await agentStub(c.env, org, agentId).create({
        org,
        agent_id: agentId,
        settings: body,
        now: Date.now(),
      }),
    );
    return c.json({ agent_id: agentId }, 201);
  })
  .get("/:id/head", async (c) => {
    const { org, agentId, stub } = target(c);
    const { ok: _ok, ...head } = unwrap(await stub.head({ org, agent_id: agentId }));
    return c.json(head);
  })
  .get("/:id/record", async (c) => {
    const { org, agentId, stub } = target(c);
    const query = validate(RecordQuery, c.req.query(), "query");
    const { json } = unwrap(
      await stub.record({ org, agent_id: agentId }, query.from_seq, query.limit),
    );
    return c.body(json, 200, { "content-type": "application/json" });
  })
  .get("/:id/verify", async (c) => {
    const { org, agentId, stub } = target(c);
    const { report } = unwrap(await stub.verify({ org, agent_id: agentId }));
    return c.json(report);
  })
  .post("/:id/fork", async (c) => {
    const { org, agentId } = target(c);
    const { at_seq } = await readJson(c, ForkRequest, MAX_CREATE_BODY_BYTES);
    const forkId = newAgentId();
    unwrap(
      await agentStub(c.env, org, forkId).forkFrom({
        org,
        agent_id: forkId,
        source_agent_id: agentId,
        at_seq,
        now: Date.now(),
      }),
    );
    return c.json({ agent_id: forkId }, 201);
  })
  .post("/:id/pause", async (c) => {
    const { org, agentId, stub } = target(c);
    const { ok: _ok, ...status } = unwrap(
      await stub.setStatus({ org, agent_id: agentId }, "paused"),
    );
    return c.json(status);
  })
  .post("/:id/resume", async (c) => {
    const { org, agentId, stub } = target(c);
    const { ok: _ok, ...status } = unwrap(
      await stub.setStatus({ org, agent_id: agentId }, "active"),
    );
    return c.json(status);
  })
  .get("/:id/approvals", async (c) => {
    const { org, agentId, stub } = target(c);
    const { approvals } = unwrap(await stub.approvals({ org, agent_id: agentId }));
    return c.json({ agent_id: agentId, approvals });
  })
  .post("/:id/approvals/:tool_use_id", async (c) => {
    const { org, agentId, stub } = target(c);
    const toolUseId = validate(ToolUseId, c.req.param("tool_use_id"), "tool_use_id");
    const { approved } = await readJson(c, ApprovalRequest, MAX_CREATE_BODY_BYTES);
    const { seq } = unwrap(
      await stub.approve({
        org,
        agent_id: agentId,
        tool_use_id: toolUseId,
        approved,
        approver: c.get("principal").sub,
      }),
    );
    return c.json({ agent_id: agentId, tool_use_id: toolUseId, approved, seq });
  });

function target(c: {
  env: Env;
  req: { param(name: "id"): string };
  get(key: "principal"): { org: string; sub: string };
}) {
  const agentId = validate(AgentId, c.req.param("id"), "agent_id");
  const { org } = c.get("principal");
  return { org, agentId, stub: agentStub(c.env, org, agentId) };
}
