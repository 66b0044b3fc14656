import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliError } from "../exit-codes.js";
import { type JsonServer, serveJson } from "../testing/json-server.js";
import { chatOptions } from "./chat-command.js";

const SCOUT = `3f2a${"0".repeat(60)}`;
const SCRIBE = `3f9b${"1".repeat(60)}`;
const row = { head_seq: 1, status: "active", created_at: 1 };

let server: JsonServer;
let saved: NodeJS.ProcessEnv;

beforeEach(async () => {
  server = await serveJson({
    "GET /agents": [
      { ...row, agent_id: SCOUT, name: "scout" },
      { ...row, agent_id: SCRIBE, name: "scribe" },
    ],
  });
  saved = { ...process.env };
  process.env.AURA_URL = server.url;
  process.env.AURA_TOKEN = "t";
});

afterEach(async () => {
  process.env = saved;
  await server.close();
});

describe("aura chat --agent", () => {
  it("takes an agent's name or a unique prefix of its id, as aura repl --agent does", async () => {
    expect((await chatOptions({ agent: "scribe" })).agent).toBe(SCRIBE);
    expect((await chatOptions({ agent: "3f2" })).agent).toBe(SCOUT);
    expect(server.requests).toEqual(["GET /agents?limit=1000", "GET /agents?limit=1000"]);
  });

  it("takes a whole id as it is, without listing the agents", async () => {
    expect((await chatOptions({ agent: SCOUT })).agent).toBe(SCOUT);
    expect(server.requests).toEqual([]);
  });

  it("refuses a prefix two agents share (exit 2) and one no agent has (exit 3)", async () => {
    await expect(chatOptions({ agent: "3f" })).rejects.toMatchObject({
      exitCode: 2,
      message: "3f names 2 agents; give more of the id",
    });
    const missing = await chatOptions({ agent: "ffff" }).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(CliError);
    expect(missing).toMatchObject({ exitCode: 3, message: "no agent ffff" });
  });
});
