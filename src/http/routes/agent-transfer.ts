import { Hono } from "hono";
import { agentStub } from "../../../durable-objects/stubs.js";
import { AuraError, type Result, unwrap } from "../../core/errors.js";
import { AgentId, newAgentId } from "../../core/ids.js";
import { policyBelowFloor } from "../../kernel/policy.js";
import {
  EXPORT_CONTENT_TYPE,
  type ExportInfo,
  MAX_IMPORT_BYTES,
} from "../../protocol/record-export.js";
import { exportStream } from "../../record/export-stream.js";
import { importRecord } from "../../record/import-record.js";
import { validate } from "../body.js";
import type { AppEnv } from "../context.js";

/**
 * `GET /agents/:id/export` (the record as NDJSON, streamed) and `POST /agents/import` (a new
 * agent of the caller's org from one). Mounted under `/agents`.
 */
export const agentTransferRoutes = new Hono<AppEnv>()
  .get("/:id/export", async (c) => {
    const agentId = validate(AgentId, c.req.param("id"), "agent_id");
    const address = { org: c.get("principal").org, agent_id: agentId };
    const stub = agentStub(c.env, address.org, agentId);
    // RPC results lose the union's narrowing: the declared type is restated here.
    const { ok: _ok, ...info } = unwrap((await stub.exportInfo(address)) as Result<ExportInfo>);
    const body = exportStream(info, Date.now(), async (fromSeq, limit) => {
      const page = unwrap((await stub.record(address, fromSeq, limit)) as Result<{ json: string }>);
      return JSON.parse(page.json) as unknown[];
    });
    return c.body(body, 200, {
      "content-type": EXPORT_CONTENT_TYPE,
      "content-disposition": `attachment; filename="agent-${agentId}.ndjson"`,
    });
  })
  .post("/import", async (c) => {
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > MAX_IMPORT_BYTES) {
      throw new AuraError("payload_too_large", `request body exceeds ${MAX_IMPORT_BYTES} bytes`);
    }
    const { org } = c.get("principal");
    const agentId = newAgentId();
    const stub = agentStub(c.env, org, agentId);
    const floor = c.get("config").policy;
    await importRecord(c.req.raw.body ?? emptyBody(), {
      org,
      agent_id: agentId,
      now: Date.now(),
      send: async (step) => (await stub.importStep(step)) as Result<{ agent_id: string }>,
      checkSettings: (settings) => {
        const belowFloor = policyBelowFloor(settings.policy, floor);
        if (belowFloor !== undefined) {
          throw new AuraError("invalid_request", `settings.policy: ${belowFloor}`);
        }
      },
    });
    return c.json({ agent_id: agentId }, 201);
  });

function emptyBody(): AsyncIterable<Uint8Array> {
  return (async function* () {})();
}
