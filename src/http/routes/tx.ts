import { Hono } from "hono";
import { agentStub } from "../../../durable-objects/stubs.js";
import { kernelShapeOf } from "../../agent/record-shapes.js";
import { base64DecodedLength } from "../../core/base64.js";
import { AuraError, unwrap } from "../../core/errors.js";
import { AgentId, TxId } from "../../core/ids.js";
import { MAX_PAYLOAD_BYTES, SubmitTxRequest, type SubmitTxResponse } from "../../protocol/tx.js";
import { readJson, validate } from "../body.js";
import type { AppEnv } from "../context.js";

/** Base64 of the largest payload plus room for the rest of the body. */
const MAX_BODY_BYTES = Math.ceil(MAX_PAYLOAD_BYTES / 3) * 4 + 4096;

/** `POST /tx` and `GET /tx/status/:agent_id/:tx_id`. */
export const txRoutes = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = await readJson(c, SubmitTxRequest, MAX_BODY_BYTES);
    if (base64DecodedLength(body.payload) > MAX_PAYLOAD_BYTES) {
      throw new AuraError("payload_too_large", `payload exceeds ${MAX_PAYLOAD_BYTES} bytes`);
    }
    // Approvals, tool records, reasoning… are recorded by the kernel alone (approvals through
    // the approvals route and the /stream socket): a client may not submit their look-alike.
    const shape = kernelShapeOf(body.payload);
    if (shape !== undefined) {
      throw new AuraError(
        "invalid_request",
        `payload: decodes to ${shape}, which only the agent's kernel records`,
      );
    }
    const { org, sub } = c.get("principal");
    const result = unwrap(
      await agentStub(c.env, org, body.agent_id).admit({
        org,
        agent_id: body.agent_id,
        kind: body.kind,
        payload: body.payload,
        ...(body.idempotency_key === undefined ? {} : { idempotency_key: body.idempotency_key }),
        now: Date.now(),
        sub,
        // Only a prompt starts a turn whose model calls may forward the caller's token.
        ...(body.kind === "user_prompt" ? { caller_jwt: c.get("token") } : {}),
      }),
    );
    const response: SubmitTxResponse = { accepted: true, tx_id: result.tx_id };
    return c.json(response, 202);
  })
  .get("/status/:agent_id/:tx_id", async (c) => {
    const agentId = validate(AgentId, c.req.param("agent_id"), "agent_id");
    const txId = validate(TxId, c.req.param("tx_id"), "tx_id");
    const { org } = c.get("principal");
    const { ok: _ok, ...status } = unwrap(
      await agentStub(c.env, org, agentId).txStatus({ org, agent_id: agentId }, txId),
    );
    return c.json(status);
  });
