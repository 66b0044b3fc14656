import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_TOKEN_AUDIENCE, SANDBOX_TOKEN_ISSUER } from "../../src/protocol/sandbox.js";
import { newWorkspaceId, signToken, startSandbox, type TestSandbox } from "./helpers.js";

let sandbox: TestSandbox;
const workspace = newWorkspaceId();
const body = JSON.stringify({ action_id: "auth-1", tool: "list_files", args: {} });

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.stop());

function dispatch(headers: Record<string, string>, target = workspace, payload = body) {
  return fetch(`${sandbox.server.url}/v1/workspaces/${target}/dispatch`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: payload,
  });
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  const json = (await res.json()) as { error: { code: string; message: string } };
  expect(json.error.code).toBe(code);
  expect(typeof json.error.message).toBe("string");
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

describe("health", () => {
  it("answers without a token", async () => {
    const res = await fetch(`${sandbox.server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("sandbox tokens", () => {
  it("accepts a fresh token for the workspace in the path", async () => {
    const res = await dispatch({ authorization: `Bearer ${await signToken(workspace)}` });
    expect(res.status).toBe(200);
  });

  it("refuses a request without a token", async () => {
    await expectError(await dispatch({}), 401, "unauthorized");
    await expectError(await dispatch({ authorization: "Basic abc" }), 401, "unauthorized");
  });

  it("refuses an expired token", async () => {
    const token = await signToken(workspace, { ttlSeconds: -60 });
    await expectError(await dispatch({ authorization: `Bearer ${token}` }), 401, "unauthorized");
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signToken(workspace, { secret: "another-secret-0123456789abcdefghij" });
    await expectError(await dispatch({ authorization: `Bearer ${token}` }), 401, "unauthorized");
  });

  it("refuses an unsigned alg:none token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: workspace,
      aud: SANDBOX_TOKEN_AUDIENCE,
      iss: SANDBOX_TOKEN_ISSUER,
      exp: now + 60,
    };
    const token = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.`;
    await expectError(await dispatch({ authorization: `Bearer ${token}` }), 401, "unauthorized");
  });

  it("refuses a token for another workspace with 403", async () => {
    const token = await signToken(newWorkspaceId());
    await expectError(await dispatch({ authorization: `Bearer ${token}` }), 403, "forbidden");
  });

  it("refuses a workspace id that is not 64 lowercase hex", async () => {
    const token = await signToken("../etc");
    const res = await dispatch({ authorization: `Bearer ${token}` }, "..%2Fetc");
    await expectError(res, 400, "invalid_request");
  });

  it("guards the files, read-file and terminal routes too", async () => {
    for (const route of ["files", "read-file?path=a", "terminal"]) {
      const res = await fetch(`${sandbox.server.url}/v1/workspaces/${workspace}/${route}`);
      await expectError(res, 401, "unauthorized");
    }
  });
});

describe("request bodies and routes", () => {
  let auth: Record<string, string>;
  beforeAll(async () => {
    auth = { authorization: `Bearer ${await signToken(workspace)}` };
  });

  it("refuses a body that is not JSON", async () => {
    await expectError(await dispatch(auth, workspace, "{nope"), 400, "invalid_request");
  });

  it("refuses a body that fails the contract, naming the field", async () => {
    const res = await dispatch(
      auth,
      workspace,
      JSON.stringify({ action_id: "../x", tool: "ls", args: {} }),
    );
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { message: string } };
    expect(json.error.message).toMatch(/^action_id:/);
  });

  it("refuses a body over 12 MiB with 413", async () => {
    const huge = JSON.stringify({
      action_id: "big",
      tool: "write_file",
      args: { path: "big.txt", content: "x".repeat(13 * 1024 * 1024) },
    });
    await expectError(await dispatch(auth, workspace, huge), 413, "payload_too_large");
  });

  it("answers 404 for unknown routes and 405 for wrong methods", async () => {
    await expectError(await fetch(`${sandbox.server.url}/nope`), 404, "not_found");
    const wrong = await fetch(`${sandbox.server.url}/v1/workspaces/${workspace}/dispatch`, auth);
    await expectError(wrong, 405, "method_not_allowed");
  });
});
