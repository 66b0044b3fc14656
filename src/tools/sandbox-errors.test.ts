import { describe, expect, it } from "vitest";
import { AuraError, ERROR_STATUS } from "../core/errors.js";
import { SANDBOX_ERROR_CODES, SANDBOX_ERROR_STATUS } from "../protocol/sandbox.js";
import { SandboxClient, type SandboxTransport } from "./sandbox-client.js";
import {
  SANDBOX_ERROR_AS,
  SandboxCallError,
  SandboxErrorAnswer,
  SandboxUnavailable,
} from "./sandbox-errors.js";

const WORKSPACE = "a".repeat(64);
const SECRET = "sandbox-errors-test-secret-0123456789";

/** A client whose every request is answered by `answer`. */
function clientAnswering(answer: SandboxTransport): SandboxClient {
  return new SandboxClient(answer, SECRET);
}

/** What `call` threw (it must throw). */
async function thrown(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: unknown) => err,
  );
}

const errorAnswer = (code: string, message: string, status: number) => async () =>
  new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json" },
  });

describe("the sandbox client's errors", () => {
  it("decodes every error code the sandbox answers into a typed error of the Worker's model", async () => {
    for (const code of SANDBOX_ERROR_CODES) {
      const client = clientAnswering(errorAnswer(code, "why", SANDBOX_ERROR_STATUS[code]));
      const err = await thrown(client.files(WORKSPACE, ".", 1));
      expect(err, code).toBeInstanceOf(SandboxErrorAnswer);
      expect(err, code).toBeInstanceOf(AuraError);
      const answer = err as SandboxErrorAnswer;
      expect(answer.sandbox_code, code).toBe(code);
      expect(answer.code, code).toBe(SANDBOX_ERROR_AS[code]);
      expect(answer.message, code).toBe(`sandbox ${code}: why`);
      expect(answer.toBody().error.details, code).toEqual({ sandbox_code: code });
      expect(answer.refused, code).toBe(code !== "internal");
    }
  });

  it("turns a refused token into a configuration error, never the caller's 401", async () => {
    const client = clientAnswering(errorAnswer("unauthorized", "invalid sandbox token", 401));
    const err = (await thrown(client.readFile(WORKSPACE, "a.txt"))) as SandboxErrorAnswer;
    expect(err.code).toBe("config_error");
    expect(err.status).toBe(ERROR_STATUS.config_error);
    expect(err.status).not.toBe(401);
  });

  it("treats an answer outside the contract as the sandbox unavailable, refused only for a 4xx", async () => {
    const proxy = clientAnswering(
      async () => new Response("<h1>bad gateway</h1>", { status: 502 }),
    );
    const gone = (await thrown(proxy.commits(WORKSPACE, 5))) as SandboxUnavailable;
    expect(gone).toBeInstanceOf(SandboxUnavailable);
    expect(gone).toMatchObject({ code: "unavailable", status: 503, refused: false });
    expect(gone.message).toContain("<h1>bad gateway</h1>");

    const odd = clientAnswering(errorAnswer("teapot", "short and stout", 418));
    expect(await thrown(odd.commits(WORKSPACE, 5))).toMatchObject({
      code: "unavailable",
      refused: true,
    });
  });

  it("treats a sandbox it cannot reach, or a reply that is not JSON, as unavailable and not refused", async () => {
    const unreachable = clientAnswering(() => Promise.reject(new TypeError("connection refused")));
    for (const call of [
      unreachable.files(WORKSPACE, ".", 1),
      unreachable.terminal(WORKSPACE),
      clientAnswering(async () => new Response("not json")).files(WORKSPACE, ".", 1),
    ]) {
      const err = await thrown(call);
      expect(err).toBeInstanceOf(SandboxCallError);
      expect(err).toMatchObject({ code: "unavailable", refused: false });
    }
  });
});
