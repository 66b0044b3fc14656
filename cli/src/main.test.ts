import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { VerifyReport } from "../../src/protocol/agents.js";
import { buildProgram, main } from "./main.js";
import { serveJson } from "./testing/json-server.js";

let home: string;
let saved: NodeJS.ProcessEnv;
let stderr: string[];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "aura-main-"));
  saved = { ...process.env };
  for (const name of Object.keys(process.env))
    if (name.startsWith("AURA_")) delete process.env[name];
  process.env.AURA_HOME = home;
  stderr = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env = saved;
  rmSync(home, { recursive: true, force: true });
});

describe("the aura command line", () => {
  it("has every one-shot command, the chat and the REPL", () => {
    const { program } = buildProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual(
      [
        "agents",
        "approvals",
        "approve",
        "chat",
        "deny",
        "fork",
        "login",
        "logout",
        "record",
        "repl",
        "tx",
        "verify",
        "whoami",
      ].sort(),
    );
  });

  it("exits 2 when a required argument is missing", async () => {
    expect(await main(["tx", "abc"])).toBe(2);
    expect(stderr.join("")).toContain("missing required argument");
  });

  it("exits 2 for a command it does not know, rather than opening the chat", async () => {
    expect(await main(["agnets"])).toBe(2);
    expect(stderr.join("")).toContain("unknown command 'agnets'");
  });

  it("exits 2 for an option that does not exist", async () => {
    expect(await main(["agents", "--nope"])).toBe(2);
  });

  it("exits 2 for a transaction kind clients may not submit, before asking any server", async () => {
    expect(await main(["tx", "a".repeat(64), "reasoning", "x"])).toBe(2);
    expect(stderr.join("")).toBe(
      "aura: KIND must be one of user_prompt, agent_msg, trigger, action_result, system, not reasoning\n",
    );
  });

  it("exits 2 when SEQ is not a positive whole number", async () => {
    expect(await main(["fork", "a".repeat(64), "0"])).toBe(2);
    expect(await main(["fork", "a".repeat(64), "1.5"])).toBe(2);
  });

  it("exits 5 with a hint to log in when there are no credentials", async () => {
    expect(await main(["agents"])).toBe(5);
    expect(stderr.join("")).toBe(
      "aura: not logged in: run `aura login` (or `aura login --local`)\n",
    );
  });

  it("exits 2 for a chat theme it does not have", async () => {
    expect(await main(["chat", "--theme", "pink"])).toBe(2);
  });

  it("logs out with exit 0 even when not logged in", async () => {
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await main(["logout"])).toBe(0);
    expect(write).toHaveBeenCalledWith('{"logged_out":null}\n');
  });

  it("verify exits 4 with one line naming the first bad seq and why when the server reports a broken chain", async () => {
    const agent = "c".repeat(64);
    // The verify route's reply, checked against the protocol's schema of it
    const report = VerifyReport.parse({
      ok: false,
      head_seq: 9,
      checked: 4,
      first_bad_seq: 5,
      reason: "prev_hash_mismatch: entry 5 does not follow entry 4",
    });
    const server = await serveJson({ [`GET /agents/${agent}/verify`]: report });
    try {
      process.env.AURA_URL = server.url;
      process.env.AURA_TOKEN = "t";
      const stdout: string[] = [];
      vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        stdout.push(String(chunk));
        return true;
      });
      expect(await main(["verify", agent, "--json"])).toBe(4);
      expect(stdout.map((line) => JSON.parse(line))).toEqual([{ agent_id: agent, ...report }]);
      expect(stderr).toEqual([
        `aura: record of ${agent} does not verify at seq 5: prev_hash_mismatch: entry 5 does not follow entry 4\n`,
      ]);
      expect(server.requests).toEqual([`GET /agents/${agent}/verify`]);
    } finally {
      await server.close();
    }
  });
});
