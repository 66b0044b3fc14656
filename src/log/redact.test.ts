import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH, redactMessage } from "./redact.js";

const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJvcmciOiJhY21lIiwic3ViIjoidSJ9.c2lnbmF0dXJlLWJ5dGVz";

describe("redactMessage", () => {
  it("given a message that quotes its input, when redacted, then the quoted text is gone and the wording stays", () => {
    expect(redactMessage(`Unexpected token 'p', "purple payload" is not valid JSON`)).toBe(
      'Unexpected token "…", "…" is not valid JSON',
    );
  });

  it("given a JWT anywhere in a message, when redacted, then it is replaced", () => {
    const out = redactMessage(`fetch https://aura.test/stream?token=${JWT} failed`);
    expect(out).not.toContain("eyJ");
    expect(out).toContain("failed");
  });

  it("given a bearer credential or a named secret, when redacted, then its value is replaced", () => {
    expect(redactMessage("authorization: Bearer abc.def")).toBe(
      "authorization: [redacted] [redacted]",
    );
    expect(redactMessage("bad x-api-key=sk-short; retry")).toBe("bad x-api-key=[redacted]; retry");
    expect(redactMessage("secret: hunter2 rejected")).toBe("secret: [redacted] rejected");
  });

  it("given a long run of token characters, when redacted, then it is replaced", () => {
    expect(redactMessage(`key sk-ant-${"x".repeat(40)} refused`)).toBe("key [redacted] refused");
    expect(redactMessage(`payload ${"QUJD".repeat(10)} too big`)).toBe(
      "payload [redacted] too big",
    );
  });

  it("given a message of ordinary words, when redacted, then it is unchanged", () => {
    expect(redactMessage("open turn at seq 7 has no entry")).toBe(
      "open turn at seq 7 has no entry",
    );
  });

  it("given a very long message, when redacted, then it is cut to the maximum length", () => {
    expect(redactMessage("word ".repeat(100))).toHaveLength(MAX_MESSAGE_LENGTH);
  });
});
