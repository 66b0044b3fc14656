import { describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES } from "../protocol/stream.js";
import { MAX_FRAME_DEPTH, type ParseFrameResult, parseClientFrame } from "./parse-frame.js";

/** The parse_error message of a refused frame (fails the test if the frame was accepted). */
function refusal(result: ParseFrameResult): string {
  expect(result.ok).toBe(false);
  if (result.ok) return "";
  expect(result.error.code).toBe("parse_error");
  expect(result.error.recoverable).toBe(true);
  return result.error.message;
}

const VALID_FRAMES: Record<string, unknown>[] = [
  {
    type: "session_init",
    model: "claude-opus-4-6",
    max_tokens: 1024,
    temperature: 0.5,
    max_turns: 5,
    workspace: "demo",
    installed_tools: [
      {
        name: "lookup",
        description: "d",
        input_schema: { type: "object" },
        endpoint: "https://tools.example.com/x",
        auth: { type: "bearer", token: "t" },
      },
    ],
  },
  { type: "user_message", content: "hello", tool_hints: ["read_file"] },
  { type: "cancel" },
  { type: "approval_response", tool_use_id: "toolu_01", approved: false },
  { type: "resume", after_seq: 12 },
];

describe("parseClientFrame", () => {
  it("given each valid client frame as JSON text, when parsed, then it is accepted", () => {
    for (const frame of VALID_FRAMES) {
      const result = parseClientFrame(JSON.stringify(frame));
      expect(result).toMatchObject({ ok: true, frame: { type: frame.type } });
    }
  });

  it("given text that is not JSON, when parsed, then it is a parse_error", () => {
    expect(refusal(parseClientFrame("hello"))).toMatch(/not valid JSON/);
    expect(refusal(parseClientFrame(""))).toMatch(/not valid JSON/);
  });

  it("given {}, when parsed, then it is a parse_error naming type", () => {
    expect(refusal(parseClientFrame("{}"))).toMatch(/^type: expected one of session_init/);
  });

  it("given an unknown type, when parsed, then it is a parse_error naming type", () => {
    expect(refusal(parseClientFrame('{"type":"launch_missiles"}'))).toMatch(/^type:/);
    expect(refusal(parseClientFrame('{"type":7}'))).toMatch(/^type:/);
    expect(refusal(parseClientFrame('{"type":"__proto__"}'))).toMatch(/^type:/);
  });

  it("given JSON that is not an object, when parsed, then it is a parse_error", () => {
    for (const text of ["[]", "null", "42", '"session_init"', "true"]) {
      expect(refusal(parseClientFrame(text))).toMatch(/JSON object/);
    }
  });

  it("given a field of the wrong type, when parsed, then the message names the field", () => {
    expect(refusal(parseClientFrame('{"type":"user_message","content":7}'))).toMatch(
      /^user_message\.content: .*expected string/,
    );
    expect(refusal(parseClientFrame('{"type":"user_message"}'))).toMatch(/^user_message\.content:/);
    expect(
      refusal(parseClientFrame('{"type":"approval_response","tool_use_id":"t","approved":"yes"}')),
    ).toMatch(/^approval_response\.approved:/);
    expect(refusal(parseClientFrame('{"type":"resume","after_seq":"3"}'))).toMatch(
      /^resume\.after_seq:/,
    );
  });

  it("given a bad nested field, when parsed, then the message gives its whole path", () => {
    const init = structuredClone(VALID_FRAMES[0]!) as { installed_tools: { endpoint: string }[] };
    init.installed_tools[0]!.endpoint = "ftp://x";
    expect(refusal(parseClientFrame(JSON.stringify(init)))).toMatch(
      /^session_init\.installed_tools\[0\]\.endpoint:/,
    );
  });

  it("given a binary frame, when parsed, then it is a parse_error", () => {
    const bytes = new TextEncoder().encode('{"type":"cancel"}');
    expect(refusal(parseClientFrame(bytes.buffer as ArrayBuffer))).toMatch(/binary/);
  });

  it("given a frame over 1 MiB, when parsed, then it is a parse_error without being read", () => {
    const content = "x".repeat(MAX_FRAME_BYTES);
    const text = JSON.stringify({ type: "user_message", content });
    expect(refusal(parseClientFrame(text))).toMatch(/larger than/);
  });

  it("given multi-byte text just over 1 MiB in UTF-8, when parsed, then it is a parse_error", () => {
    const content = "é".repeat(MAX_FRAME_BYTES / 2);
    const text = JSON.stringify({ type: "user_message", content });
    expect(text.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(refusal(parseClientFrame(text))).toMatch(/larger than/);
  });

  it("given JSON nested deeper than the limit, when parsed, then it is a parse_error", () => {
    const deep = `${"[".repeat(MAX_FRAME_DEPTH + 1)}${"]".repeat(MAX_FRAME_DEPTH + 1)}`;
    const text = `{"type":"approval_response","tool_use_id":"t","approved":true,"x":${deep}}`;
    expect(refusal(parseClientFrame(text))).toMatch(/nested deeper/);
    const veryDeep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    expect(() => parseClientFrame(`{"type":"cancel","x":${veryDeep}}`)).not.toThrow();
  });

  it("given a __proto__ key, when parsed, then no prototype is polluted", () => {
    const text = '{"type":"cancel","__proto__":{"polluted":true}}';
    const result = parseClientFrame(text);
    expect(result).toEqual({ ok: true, frame: { type: "cancel" } });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("given 1,000 random malformed frames, when parsed, then each is a parse_error and none throws", () => {
    const random = mulberry32(0x5eed);
    for (let i = 0; i < 1000; i++) {
      const data = malformedFrame(random, i);
      let result: ParseFrameResult | undefined;
      expect(() => {
        result = parseClientFrame(data);
      }, `case ${i}`).not.toThrow();
      expect(result?.ok, `case ${i}: ${preview(data)}`).toBe(false);
      if (result && !result.ok) {
        expect(result.error.code).toBe("parse_error");
        expect(result.error.message.length).toBeGreaterThan(0);
        expect(result.error.message.length).toBeLessThanOrEqual(300);
      }
    }
  });
});

type Random = () => number;

/** A small seeded PRNG, so the fuzz cases are the same on every run. */
function mulberry32(seed: number): Random {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/** A value of a type no client frame field has where it is used: wrong for every field below. */
const WRONG: Record<string, unknown[]> = {
  string: [7, true, null, [], {}, ["x"]],
  number: ["7", true, [], {}, -1, 1.5, 1e300],
  boolean: ["true", 1, 0, null, [], {}],
};

/** Required fields of each frame type with the kind of value they need. */
const REQUIRED: Record<string, [string, keyof typeof WRONG][]> = {
  user_message: [["content", "string"]],
  approval_response: [
    ["tool_use_id", "string"],
    ["approved", "boolean"],
  ],
  resume: [["after_seq", "number"]],
};

/** Optional fields of session_init and values they refuse. */
const BAD_INIT: [string, unknown][] = [
  ["max_tokens", 0],
  ["max_tokens", "many"],
  ["temperature", 3],
  ["max_turns", 2.5],
  ["model", ""],
  ["aura_agent_id", "not a header id"],
  ["aura_extensions", "yes"],
  ["workspace", 12],
  ["installed_tools", {}],
  ["installed_tools", [{ name: "x" }]],
  ["conversation_messages", [{ role: 7, content: "x" }]],
  ["token", ""],
  ["system_prompt", []],
];

function malformedFrame(random: Random, i: number): string | ArrayBuffer {
  const base = structuredClone(pick(random, VALID_FRAMES));
  switch (i % 8) {
    case 0: {
      // A required field with a value of the wrong type, or missing.
      const type = pick(random, Object.keys(REQUIRED));
      const frame = structuredClone(VALID_FRAMES.find((f) => f.type === type)!);
      const [field, kind] = pick(random, REQUIRED[type]!);
      if (random() < 0.2) delete frame[field];
      else frame[field] = pick(random, WRONG[kind]!);
      return JSON.stringify(frame);
    }
    case 1: {
      const [field, value] = pick(random, BAD_INIT);
      return JSON.stringify({ ...VALID_FRAMES[0], [field]: value });
    }
    case 2: {
      // An unknown, missing or mistyped type.
      const type = pick(random, [undefined, "", "Cancel", "user-message", 1, null, ["cancel"]]);
      return JSON.stringify({ ...base, type: type ?? randomText(random, 12) });
    }
    case 3: {
      // A valid frame cut short: never valid JSON.
      const text = JSON.stringify(base);
      return text.slice(0, 1 + Math.floor(random() * (text.length - 1)));
    }
    case 4:
      return randomText(random, 1 + Math.floor(random() * 200));
    case 5: {
      const bytes = new Uint8Array(Math.floor(random() * 64));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(random() * 256);
      return bytes.buffer;
    }
    case 6:
      return JSON.stringify(pick(random, [[base], base.type, 0, null, false, [], "{}"]));
    default: {
      // Byte flips inside a valid frame's `type`, so it names no known type.
      const text = JSON.stringify(base);
      const at = text.indexOf('"type":"') + 8 + Math.floor(random() * 3);
      const flipped = String.fromCharCode(text.charCodeAt(at) ^ (1 + Math.floor(random() * 31)));
      return `${text.slice(0, at)}${flipped === '"' ? "#" : flipped}${text.slice(at + 1)}`;
    }
  }
}

function randomText(random: Random, length: number): string {
  let out = "";
  for (let k = 0; k < length; k++) out += String.fromCharCode(Math.floor(random() * 0x250));
  return out;
}

function preview(data: string | ArrayBuffer): string {
  return typeof data === "string" ? data.slice(0, 120) : `<${data.byteLength} bytes>`;
}
