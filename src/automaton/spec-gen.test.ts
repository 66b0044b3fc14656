import { describe, expect, it } from "vitest";
import {
  MAX_GENERATED_SPECS,
  parseSpecsAnswer,
  SPEC_PROMPT_HEADING,
  SPEC_RETRY_HEADING,
  specGenPrompt,
  specGenPromptKey,
  specGenRetryPrompt,
} from "./spec-gen.js";

const api = { title: "API", markdown_contents: "# API\nThe routes." };
const store = { title: "Storage", markdown_contents: "# Storage" };

describe("parseSpecsAnswer", () => {
  it("reads a bare JSON array", () => {
    expect(parseSpecsAnswer(JSON.stringify([api, store]))).toEqual({
      ok: true,
      specs: [api, store],
    });
  });

  it("reads the array inside a ```json fence, with prose around it", () => {
    const reply = `Here are the specs:\n\n\`\`\`json\n${JSON.stringify([api], null, 2)}\n\`\`\`\nDone.`;
    expect(parseSpecsAnswer(reply)).toEqual({ ok: true, specs: [api] });
  });

  it("reads an array in an untagged fence, or between prose", () => {
    expect(parseSpecsAnswer(`\`\`\`\n${JSON.stringify([api])}\n\`\`\``)).toMatchObject({
      ok: true,
    });
    expect(parseSpecsAnswer(`The specs: ${JSON.stringify([api])} — that is all.`)).toEqual({
      ok: true,
      specs: [api],
    });
  });

  it("trims titles and ignores keys beyond title and markdown_contents", () => {
    const parsed = parseSpecsAnswer(JSON.stringify([{ ...api, title: "  API ", order: 3 }]));
    expect(parsed).toEqual({ ok: true, specs: [api] });
  });

  it("names the lack of any JSON array, quoting how the reply begins", () => {
    const parsed = parseSpecsAnswer("I cannot do that.");
    expect(parsed).toEqual({
      ok: false,
      reason: 'the answer holds no JSON array: it begins "I cannot do that."',
    });
    expect(parseSpecsAnswer("")).toMatchObject({ reason: expect.stringContaining("(empty)") });
  });

  it("names a parse error", () => {
    const parsed = parseSpecsAnswer('[{"title": "API", ');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/^the JSON does not parse: /);
  });

  it("names each field that does not fit, by its path", () => {
    const parsed = parseSpecsAnswer(JSON.stringify([api, { title: "", markdown_contents: 5 }]));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toMatch(/^the answer does not fit \[\{title, markdown_contents\}\]: /);
    expect(parsed.reason).toContain("[1].title:");
    expect(parsed.reason).toContain("[1].markdown_contents:");
  });

  it("refuses an empty array, a non-array and too many specs", () => {
    expect(parseSpecsAnswer("[]")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("the answer: "),
    });
    expect(parseSpecsAnswer(JSON.stringify(api))).toMatchObject({ ok: false });
    const many = Array.from({ length: MAX_GENERATED_SPECS + 1 }, () => api);
    expect(parseSpecsAnswer(JSON.stringify(many))).toMatchObject({ ok: false });
  });

  it("prefers the reason about the shape over a parse error of another candidate", () => {
    const reply = `[oops]\n\`\`\`json\n[{"title": "x"}]\n\`\`\``;
    const parsed = parseSpecsAnswer(reply);
    expect(parsed).toMatchObject({
      ok: false,
      reason: expect.stringContaining("markdown_contents"),
    });
  });
});

describe("the prompts", () => {
  it("carry the requirements file's path and text, and the answer's shape", () => {
    const prompt = specGenPrompt("docs/req.md", "Users sign in with a passkey.");
    expect(prompt.startsWith(`${SPEC_PROMPT_HEADING}\n`)).toBe(true);
    expect(prompt).toContain("`docs/req.md`");
    expect(prompt).toContain("<requirements>\nUsers sign in with a passkey.\n</requirements>");
    expect(prompt).toContain('[{"title": "…", "markdown_contents": "…"}]');
  });

  it("name what was wrong when asking again", () => {
    const retry = specGenRetryPrompt("[0].title: Too small");
    expect(retry.startsWith(`${SPEC_RETRY_HEADING}\n`)).toBe(true);
    expect(retry).toContain("What was wrong: [0].title: Too small");
  });

  it("each have one key per automaton", () => {
    expect(specGenPromptKey("abc", 1)).toBe("automaton:abc:spec-gen");
    expect(specGenPromptKey("abc", 2)).toBe("automaton:abc:spec-gen:retry");
  });
});
