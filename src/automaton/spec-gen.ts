import { z } from "zod";

/**
 * The pure side of `spec-gen`: what the model is asked, the shape of its answer, and how a
 * reply is read. The replacement of the project's specs is in `spec-gen-plan.ts`.
 */

/** Specs one answer may hold at most. */
export const MAX_GENERATED_SPECS = 50;
/** Characters of one spec's markdown at most (the project itself allows more). */
export const MAX_SPEC_MARKDOWN = 100_000;
/** Characters of a requirements file the prompt carries at most (a prompt is ≤ 1 MiB). */
export const MAX_REQUIREMENTS_CHARS = 200_000;

/** One spec of the model's answer. Keys beyond these two are ignored. */
export const GeneratedSpec = z.object({
  title: z.string().trim().min(1).max(200),
  markdown_contents: z.string().trim().min(1).max(MAX_SPEC_MARKDOWN),
});
export type GeneratedSpec = z.infer<typeof GeneratedSpec>;

/** The model's whole answer: `[{title, markdown_contents}]`, at least one spec. */
export const GeneratedSpecs = z.array(GeneratedSpec).min(1).max(MAX_GENERATED_SPECS);

/** What a reply comes to: the specs, or why it cannot be used (what the retry prompt names). */
export type ParsedSpecs = { ok: true; specs: GeneratedSpec[] } | { ok: false; reason: string };

/** The first line of the prompt a `spec-gen` tick admits. */
export const SPEC_PROMPT_HEADING = "# Specs from requirements";
/** The first line of the prompt that asks once more after a malformed answer. */
export const SPEC_RETRY_HEADING = "# Your specs answer could not be used";

const ANSWER_SHAPE = `Answer with only a JSON array, nothing before or after it (a \`\`\`json fence around it is fine): [{"title": "…", "markdown_contents": "…"}] — 1 to ${MAX_GENERATED_SPECS} specs, each title 1-200 characters, each markdown_contents non-empty markdown of at most ${MAX_SPEC_MARKDOWN} characters.`;

/**
 * The prompt of a `spec-gen` turn: the requirements file's path and text (so what was read
 * is in the agent's record), and the answer expected.
 *
 * @example
 * specGenPrompt("requirements.md", "Users sign in with a passkey."); // "# Specs from requirements\n…"
 */
export function specGenPrompt(path: string, requirements: string): string {
  return [
    SPEC_PROMPT_HEADING,
    "",
    `The project's requirements, from the workspace file \`${path}\`:`,
    "",
    "<requirements>",
    requirements,
    "</requirements>",
    "",
    "## What to do",
    "Turn these requirements into the project's specs: markdown documents, each about one part of the system (what it does, its interfaces, its rules and edge cases), in the order a reader should take them. Your answer replaces the project's specs; tasks will be planned from them.",
    ANSWER_SHAPE,
  ].join("\n");
}

/**
 * The prompt that asks once more, naming what was wrong with the first answer.
 *
 * @example
 * specGenRetryPrompt("[0].title: Too small"); // "# Your specs answer could not be used\n…"
 */
export function specGenRetryPrompt(reason: string): string {
  return [
    SPEC_RETRY_HEADING,
    "",
    `What was wrong: ${reason}`,
    "",
    `Answer again, from the same requirements. ${ANSWER_SHAPE}`,
  ].join("\n");
}

/**
 * Reads the specs from a model's reply: the whole reply as a bare array, a fenced block
 * (```json first), or the span from the first `[` to the last `]`. The first candidate that
 * parses and fits {@link GeneratedSpecs} wins; otherwise the reason names what was wrong,
 * preferring a shape problem over a parse error.
 *
 * @example
 * parseSpecsAnswer('[{"title":"API","markdown_contents":"# API"}]'); // { ok: true, specs: [...] }
 * parseSpecsAnswer("sorry"); // { ok: false, reason: "the answer holds no JSON array: …" }
 */
export function parseSpecsAnswer(reply: string): ParsedSpecs {
  const candidates = jsonCandidates(reply);
  if (candidates.length === 0) {
    return { ok: false, reason: `the answer holds no JSON array: it begins ${excerpt(reply)}` };
  }
  let parseReason: string | undefined;
  let shapeReason: string | undefined;
  for (const text of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      parseReason ??= `the JSON does not parse: ${(err as Error).message}`;
      continue;
    }
    const parsed = GeneratedSpecs.safeParse(value);
    if (parsed.success) return { ok: true, specs: parsed.data };
    shapeReason ??= issuesOf(parsed.error);
  }
  return { ok: false, reason: shapeReason ?? parseReason ?? "the answer holds no JSON array" };
}

const FENCE = /```([A-Za-z0-9_-]*)[^\n]*\n([\s\S]*?)```/g;

/** The texts a reply's JSON may be, most likely first, each once. */
function jsonCandidates(reply: string): string[] {
  const out: string[] = [];
  const add = (text: string | undefined) => {
    const t = text?.trim();
    if (t && !out.includes(t)) out.push(t);
  };
  const whole = reply.trim();
  if (whole.startsWith("[")) add(whole);
  const fences = [...reply.matchAll(FENCE)];
  for (const m of fences) if (m[1]?.toLowerCase() === "json") add(m[2]);
  for (const m of fences) if (m[2]?.trim().startsWith("[")) add(m[2]);
  const first = reply.indexOf("[");
  const last = reply.lastIndexOf("]");
  if (first !== -1 && last > first) add(reply.slice(first, last + 1));
  return out;
}

/** At most five issues, each `path: message` (`[1].title: …`). */
function issuesOf(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, "");
    return `${path || "the answer"}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : "";
  return `the answer does not fit [{title, markdown_contents}]: ${issues.join("; ")}${more}`;
}

function excerpt(text: string): string {
  const t = text.trim();
  if (t === "") return "(empty)";
  return JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t);
}

/**
 * The idempotency keys of a `spec-gen` automaton's prompts (`attempt` 1, then the retry):
 * one each per automaton, so however many ticks run, each prompt is admitted once.
 *
 * @example
 * specGenPromptKey(automatonId, 2); // "automaton:<id>:spec-gen:retry"
 */
export function specGenPromptKey(automatonId: string, attempt: 1 | 2): string {
  return `automaton:${automatonId}:spec-gen${attempt === 2 ? ":retry" : ""}`;
}
