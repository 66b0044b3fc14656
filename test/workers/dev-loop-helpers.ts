import type { RecordEntry } from "../../src/core/record.js";
import type { ModelResponse } from "../../src/reasoner/types.js";
import { bodyOf, call, payloadJson } from "./helpers.js";
import { finalText, scriptModel, toolCalls } from "./scripted-model.js";
import { done, plan, write } from "./task-run-helpers.js";

/**
 * Scripts every dev-loop task turn by its title: `failing[title]` is how many attempts fail
 * (the model just answers text) before one plans, writes `<title>.txt` and calls task_done.
 * Returns the titles in the order their turns opened (restore with `vi.restoreAllMocks()`);
 * each turn's opening prompt is pushed to `prompts` when one is given.
 *
 * @example
 * const opened = scriptTasks({ beta: 2 }); // beta fails twice, then succeeds
 */
export function scriptTasks(failing: Record<string, number> = {}, prompts?: string[]): string[] {
  const opened: string[] = [];
  const tried = new Map<string, number>();
  scriptModel(({ opening, step, request }) => {
    const title = /^# Task: (.*)\n/.exec(opening)?.[1];
    if (title === undefined) return undefined;
    if (step === 0) {
      opened.push(title);
      prompts?.push(opening);
      tried.set(title, (tried.get(title) ?? 0) + 1);
    }
    const attempt = tried.get(title) ?? 1;
    const id = `${title.replace(/\W/g, "")}-${attempt}-${step}`;
    const reply = (calls: Array<{ name: string; input: Record<string, unknown> }>): ModelResponse =>
      toolCalls(
        request.model,
        calls.map((c, i) => ({ id: `${id}-${i}`, ...c })),
      );
    if (attempt <= (failing[title] ?? 0)) return finalText(request.model, `cannot do ${title} yet`);
    if (step === 0) return reply([plan]);
    if (step === 1) return reply([write(`${title}.txt`, `the ${title} part\n`)]);
    if (step === 2) return reply([done()]);
    return finalText(request.model, `${title} finished`);
  });
  return opened;
}

/** One of the runtime's entries about an automaton, decoded, with its seq. */
export type RuntimeEvent = Record<string, unknown> & { type: string; seq: number };

/** `GET /automatons/:id/record`, each entry's event decoded, with its seq. */
export async function runtimeEvents(token: string, id: string): Promise<RuntimeEvent[]> {
  const entries = await bodyOf<RecordEntry[]>(
    await call("GET", `/automatons/${id}/record`, { token }),
  );
  return entries.map((e) => ({ ...(payloadJson(e) as { type: string }), seq: e.seq }));
}
