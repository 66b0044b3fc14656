import { Hono } from "hono";
import { bearerToken } from "../../auth/verify-token.js";
import { ProposeRequest } from "../../protocol/propose.js";
import { propose } from "../../reasoner/propose.js";
import { selectProvider } from "../../reasoner/select-provider.js";
import { readJson } from "../body.js";
import type { AppEnv } from "../context.js";

/** A window of full entries with their payloads, plus the transaction itself. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * `POST /propose`: the reference gateway contract. Stateless — nothing is read from or
 * written to any agent; the configured provider answers and a model failure is a 200 with
 * no proposals (see {@link propose}).
 */
export const proposeRoutes = new Hono<AppEnv>().post("/", async (c) => {
  const body = await readJson(c, ProposeRequest, MAX_BODY_BYTES);
  const { org } = c.get("principal");
  const jwt = bearerToken(c.req.header("authorization"));
  const result = await propose(body, {
    provider: selectProvider(c.get("config")),
    now: Date.now,
    context: { agent_id: body.agent_id, org_id: org, ...(jwt === undefined ? {} : { jwt }) },
  });
  return c.json(result);
});
