import { describe, expect, it } from "vitest";
import type { SandboxContainer } from "../../durable-objects/sandbox-container.js";
import { loadConfig } from "../config.js";
import { sandboxClientOf } from "./sandbox-of-config.js";

const JWT_SECRET = "j".repeat(32);
const SANDBOX_SECRET = "s".repeat(32);
const WS_A = "a".repeat(64);
const WS_B = "b".repeat(64);

/** A stand-in for the `SANDBOX` Container namespace that records where requests went. */
function fakeNamespace() {
  const sent: Array<{ instance: string; url: string; authorization: string | null }> = [];
  const namespace = {
    idFromName: (name: string) => ({ name }),
    get: (id: { name: string }) => ({
      fetch: async (request: Request) => {
        sent.push({
          instance: id.name,
          url: request.url,
          authorization: request.headers.get("authorization"),
        });
        return Response.json({ ok: true, entries: [] });
      },
    }),
  };
  return { sent, namespace: namespace as unknown as DurableObjectNamespace<SandboxContainer> };
}

describe("sandboxClientOf", () => {
  it("given no SANDBOX_TOKEN_SECRET, when asked, then there is no sandbox even with a binding", () => {
    const config = loadConfig({ AURA_JWT_SECRET: JWT_SECRET });
    expect(sandboxClientOf(config, { SANDBOX: fakeNamespace().namespace })).toBeUndefined();
  });

  it("given neither SANDBOX_URL nor a SANDBOX binding, when asked, then there is no sandbox", () => {
    const config = loadConfig({
      AURA_JWT_SECRET: JWT_SECRET,
      SANDBOX_TOKEN_SECRET: SANDBOX_SECRET,
    });
    expect(sandboxClientOf(config, {})).toBeUndefined();
    expect(sandboxClientOf(config)).toBeUndefined();
  });

  it("given SANDBOX_URL and a SANDBOX binding, when a request is sent, then it goes to the URL, not the container", async () => {
    const { sent, namespace } = fakeNamespace();
    const config = loadConfig({
      AURA_JWT_SECRET: JWT_SECRET,
      SANDBOX_TOKEN_SECRET: SANDBOX_SECRET,
      SANDBOX_URL: "http://127.0.0.1:9",
    });
    const client = sandboxClientOf(config, { SANDBOX: namespace });
    await expect(client?.files(WS_A, ".", 1)).rejects.toThrow(/sandbox unreachable/);
    expect(sent).toEqual([]);
  });

  it("given only the SANDBOX binding, when two workspaces are used, then each one's requests reach the container instance named after it, signed", async () => {
    const { sent, namespace } = fakeNamespace();
    const config = loadConfig({
      AURA_JWT_SECRET: JWT_SECRET,
      SANDBOX_TOKEN_SECRET: SANDBOX_SECRET,
    });
    const client = sandboxClientOf(config, { SANDBOX: namespace });

    expect(await client?.files(WS_A, ".", 2)).toEqual({ ok: true, entries: [] });
    await client?.files(WS_B, "src", 1);
    await client?.files(WS_A, ".", 1);

    expect(sent.map((s) => s.instance)).toEqual([WS_A, WS_B, WS_A]);
    expect(new URL(sent[0]?.url ?? "").pathname).toBe(`/v1/workspaces/${WS_A}/files`);
    expect(new URL(sent[1]?.url ?? "").searchParams.get("path")).toBe("src");
    expect(sent.every((s) => s.authorization?.startsWith("Bearer ey"))).toBe(true);
  });

  it("given the same binding and secret, when asked twice, then the same client (and its tokens) is reused", () => {
    const { namespace } = fakeNamespace();
    const config = loadConfig({
      AURA_JWT_SECRET: JWT_SECRET,
      SANDBOX_TOKEN_SECRET: SANDBOX_SECRET,
    });
    expect(sandboxClientOf(config, { SANDBOX: namespace })).toBe(
      sandboxClientOf(config, { SANDBOX: namespace }),
    );
  });
});
