import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentTools, createToolDispatch } from "../../durable-objects/agent/tool-dispatch.js";
import { isOutcomeUnknown, OutcomeUnknownMetadata } from "../../src/protocol/sandbox.js";
import { SandboxClient, urlTransport } from "../../src/tools/sandbox-client.js";
import {
  newWorkspaceId,
  startSandbox,
  TEST_SECRET,
  type TestSandbox,
  workspaceClient,
} from "./helpers.js";

const agents: AgentTools = {
  send_message: () => Promise.reject(new Error("not used")),
  spawn_agent: () => Promise.reject(new Error("not used")),
};

let sandbox: TestSandbox;
/** A sandbox started and stopped again: its address answers nothing. */
let goneUrl: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  const gone = await startSandbox();
  goneUrl = gone.server.url;
  await gone.stop();
});
afterAll(() => sandbox.stop());

/** Plants the marker of a first dispatch of `actionId` cut off before its outcome was stored. */
async function cutOff(workspace: string, actionId: string): Promise<void> {
  const dir = path.join(sandbox.root, "outcomes", workspace);
  await mkdir(dir, { recursive: true });
  const name = createHash("sha256").update(actionId).digest("hex");
  await writeFile(path.join(dir, `${name}.pending`), "");
}

describe("an outcome the sandbox could not confirm", () => {
  it("is written in the same shape by the sandbox and by the Durable Object's dispatch", async () => {
    // Given a real sandbox with a dispatch cut off mid-call, and an address nothing answers at
    const ws = await workspaceClient(sandbox);
    await cutOff(ws.id, "cut-off-1");
    const call = {
      tool: "run_command",
      args: { command: "echo ran > ran" },
      action_id: "cut-off-1",
    };

    // When the Durable Object's dispatch sends the call to each
    const fromSandbox = await createToolDispatch({
      sandbox: {
        client: new SandboxClient(urlTransport(sandbox.server.url), TEST_SECRET),
        workspace: ws.id,
      },
      agents,
    })(call);
    const fromObject = await createToolDispatch({
      sandbox: {
        client: new SandboxClient(urlTransport(goneUrl), TEST_SECRET),
        workspace: newWorkspaceId(),
      },
      agents,
      retryDelaysMs: [0],
    })(call);

    // Then both results carry one and the same metadata, the protocol's shape
    expect(fromSandbox.result.ok).toBe(false);
    expect(fromObject.result.ok).toBe(false);
    expect(fromObject.result.metadata).toEqual(fromSandbox.result.metadata);
    expect(OutcomeUnknownMetadata.parse(fromSandbox.result.metadata)).toEqual(
      fromSandbox.result.metadata,
    );
    expect(isOutcomeUnknown(fromSandbox.result)).toBe(true);
    expect(isOutcomeUnknown(fromObject.result)).toBe(true);
    // And the sandbox did not run the call
    await expect(ws.get("read-file?path=ran")).resolves.toMatchObject({ body: { ok: false } });
  });

  it("is answered again, unchanged, to a re-sent call after the sandbox restarts", async () => {
    const ws = await workspaceClient(sandbox);
    await cutOff(ws.id, "cut-off-2");
    const client = () => new SandboxClient(urlTransport(sandbox.server.url), TEST_SECRET);
    const call = { action_id: "cut-off-2", tool: "write_file", args: { path: "a", content: "x" } };
    const first = await client().dispatch(ws.id, call);
    await sandbox.server.close();
    sandbox = await startSandbox({ root: sandbox.root });
    const again = await client().dispatch(ws.id, call);
    expect(isOutcomeUnknown(first.result)).toBe(true);
    expect(again).toEqual({ ...first, replayed: true });
  });
});
