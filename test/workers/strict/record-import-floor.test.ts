import { beforeAll, describe, expect, it } from "vitest";
import type { ExportHeader } from "../../../src/protocol/record-export.js";
import { bodyOf, call, createAgent, type ErrorResponse, mintToken } from "../helpers.js";

// This file runs in the `workers-strict` project: the Worker is deployed with AURA_POLICY=strict.
const ORG = "org-import-floor";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG });
});

describe("POST /agents/import under AURA_POLICY=strict", () => {
  it("refuses an export whose settings ask for a looser policy than the floor, naming settings.policy", async () => {
    // Given an export whose header was edited to ask for the dev policy
    const source = await createAgent(token, { name: "strict one" });
    const response = await call("GET", `/agents/${source}/export`, { token });
    const [first, ...rest] = new TextDecoder().decode(await response.arrayBuffer()).split("\n");
    const header = JSON.parse(first as string) as ExportHeader;
    const edited = [JSON.stringify({ ...header, settings: { policy: "dev" } }), ...rest].join("\n");

    // When it is imported
    const refused = await call("POST", "/agents/import", { token, rawBody: edited });

    // Then it is refused as POST /agents refuses it, and the unedited export is accepted
    expect(refused.status).toBe(400);
    const { error } = await bodyOf<ErrorResponse>(refused);
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(
      /^settings\.policy: profile dev is looser than AURA_POLICY=strict/,
    );
    const accepted = await call("POST", "/agents/import", { token, rawBody: `${first}\n` });
    expect(accepted.status).toBe(201);
  });
});
