import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveWorkspaceKey } from "../../src/tools/workspace-key.js";
import {
  newWorkspaceId,
  signToken,
  startSandbox,
  TEST_SECRET,
  type TestSandbox,
} from "./helpers.js";

const body = JSON.stringify({ action_id: "keys-1", tool: "list_files", args: {} });

function dispatch(sandbox: TestSandbox, workspace: string, token: string): Promise<Response> {
  return fetch(`${sandbox.server.url}/v1/workspaces/${workspace}/dispatch`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
}

async function errorCode(res: Response): Promise<string> {
  const json = (await res.json()) as { error?: { code: string } };
  return json.error?.code ?? "";
}

describe("per-workspace keys, derived from the secret", () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.stop());

  it("accepts a token signed with its workspace's derived key", async () => {
    const workspace = newWorkspaceId();
    expect((await dispatch(sandbox, workspace, await signToken(workspace))).status).toBe(200);
  });

  it("refuses a token signed with the raw secret with 401", async () => {
    const workspace = newWorkspaceId();
    const token = await signToken(workspace, { key: new TextEncoder().encode(TEST_SECRET) });
    const res = await dispatch(sandbox, workspace, token);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("unauthorized");
  });

  it("refuses workspace A's key used for workspace B, whatever sub it claims", async () => {
    const a = newWorkspaceId();
    const b = newWorkspaceId();
    const keyA = await deriveWorkspaceKey(TEST_SECRET, a);
    const claimsA = await dispatch(sandbox, b, await signToken(a, { key: keyA }));
    expect(claimsA.status).toBe(403);
    const claimsB = await dispatch(sandbox, b, await signToken(b, { key: keyA }));
    expect(claimsB.status).toBe(401);
  });
});

describe("a single-workspace sandbox (SANDBOX_WORKSPACE_ID + SANDBOX_WORKSPACE_KEY)", () => {
  const workspace = newWorkspaceId();
  let sandbox: TestSandbox;
  let key: Uint8Array;
  beforeAll(async () => {
    key = await deriveWorkspaceKey(TEST_SECRET, workspace);
    sandbox = await startSandbox({ workspaceKey: { workspace, key } });
  });
  afterAll(() => sandbox.stop());

  it("serves its workspace with tokens signed by its key", async () => {
    expect((await dispatch(sandbox, workspace, await signToken(workspace, { key }))).status).toBe(
      200,
    );
  });

  it("refuses every other workspace with 403, even with that workspace's own key", async () => {
    const other = newWorkspaceId();
    const res = await dispatch(sandbox, other, await signToken(other));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("forbidden");
  });

  it("refuses a token signed with the secret or with another workspace's key", async () => {
    const raw = await signToken(workspace, { key: new TextEncoder().encode(TEST_SECRET) });
    expect((await dispatch(sandbox, workspace, raw)).status).toBe(401);
    const foreignKey = await deriveWorkspaceKey(TEST_SECRET, newWorkspaceId());
    const foreign = await signToken(workspace, { key: foreignKey });
    expect((await dispatch(sandbox, workspace, foreign)).status).toBe(401);
  });
});
