import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxClient, urlTransport } from "../../src/tools/sandbox-client.js";
import { type SandboxCallError, SandboxErrorAnswer } from "../../src/tools/sandbox-errors.js";
import { deriveWorkspaceKey } from "../../src/tools/workspace-key.js";
import { newWorkspaceId, startSandbox, TEST_SECRET, type TestSandbox } from "./helpers.js";

let shared: TestSandbox;
/** A sandbox that serves one workspace only, as a production container does. */
let single: TestSandbox;
const served = newWorkspaceId();

beforeAll(async () => {
  shared = await startSandbox();
  single = await startSandbox({
    workspaceKey: { workspace: served, key: await deriveWorkspaceKey(TEST_SECRET, served) },
  });
});
afterAll(async () => {
  await shared.stop();
  await single.stop();
});

/** What `call` threw (it must throw). */
async function thrown(call: Promise<unknown>): Promise<SandboxCallError> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: SandboxCallError) => err,
  );
}

describe("the Worker's sandbox client, against the real sandbox", () => {
  it("decodes a token the sandbox refuses into a typed configuration error", async () => {
    const client = new SandboxClient(urlTransport(shared.server.url), `${TEST_SECRET}-other`);
    const err = await thrown(client.files(newWorkspaceId(), ".", 1));
    expect(err).toBeInstanceOf(SandboxErrorAnswer);
    expect(err).toMatchObject({
      sandbox_code: "unauthorized",
      code: "config_error",
      refused: true,
    });
    expect(err.message).toMatch(/^sandbox unauthorized: invalid sandbox token/);
  });

  it("decodes a workspace the sandbox does not serve into a typed configuration error", async () => {
    const client = new SandboxClient(urlTransport(single.server.url), TEST_SECRET);
    const err = await thrown(client.readFile(newWorkspaceId(), "a.txt"));
    expect(err).toMatchObject({ sandbox_code: "forbidden", code: "config_error", refused: true });
    expect(await client.readFile(served, "a.txt")).toMatchObject({ ok: false });
  });

  it("decodes a request outside the contract into a typed internal error", async () => {
    const client = new SandboxClient(urlTransport(shared.server.url), TEST_SECRET);
    const call = { action_id: "bad args", tool: "read_file", args: {} };
    const err = await thrown(client.dispatch(newWorkspaceId(), call));
    expect(err).toMatchObject({ sandbox_code: "invalid_request", code: "internal", refused: true });
    expect(err.message).toContain("action_id");
  });
});
