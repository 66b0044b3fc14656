import { describe, expect, it } from "vitest";
import { AuraError } from "../core/errors.js";
import { ndjsonLines } from "./ndjson-lines.js";
import { chunked } from "./test-export.js";

const ROOMY = { maxBytes: 1_000_000, maxLineBytes: 1_000 };

async function linesOf(
  source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  limits = ROOMY,
) {
  const out: Array<{ line: number; text: string }> = [];
  for await (const line of ndjsonLines(source, limits)) out.push(line);
  return out;
}

async function failureOf(text: string, limits = ROOMY): Promise<AuraError> {
  try {
    await linesOf(chunked(text, 3), limits);
  } catch (err) {
    if (err instanceof AuraError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

describe("ndjsonLines", () => {
  it("gives the same numbered lines whatever the chunks, multi-byte characters split included", async () => {
    const text = '{"a":"é"}\r\n\n{"b":"日本"}\nlast';
    const expected = [
      { line: 1, text: '{"a":"é"}' },
      { line: 2, text: "" },
      { line: 3, text: '{"b":"日本"}' },
      { line: 4, text: "last" },
    ];
    for (const size of [1, 2, 5, 64]) expect(await linesOf(chunked(text, size))).toEqual(expected);
    expect(await linesOf(new Blob([text]).stream())).toEqual(expected);
  });

  it("has no line after a final newline, and none in an empty body", async () => {
    expect(await linesOf(chunked("x\n", 1))).toEqual([{ line: 1, text: "x" }]);
    expect(await linesOf(chunked("", 1))).toEqual([]);
  });

  it("refuses a body past its byte limit with payload_too_large", async () => {
    const err = await failureOf("a\nb\nc\n", { maxBytes: 5, maxLineBytes: 10 });
    expect(err.code).toBe("payload_too_large");
    expect(err.message).toBe("body exceeds 5 bytes");
  });

  it("refuses a line past its limit, naming the line", async () => {
    const err = await failureOf("ok\nmuch too long\n", { maxBytes: 100, maxLineBytes: 5 });
    expect(err.code).toBe("payload_too_large");
    expect(err.message).toBe("line 2: longer than 5 bytes");
    expect(err.details).toEqual({ line: 2 });
  });

  it("refuses a line that is not UTF-8, naming it", async () => {
    async function* bytes() {
      yield new TextEncoder().encode("fine\n");
      yield new Uint8Array([0xff, 0xfe, 0x0a]);
    }
    await expect(linesOf(bytes())).rejects.toMatchObject({
      code: "invalid_request",
      message: "line 2: is not UTF-8",
    });
  });
});
