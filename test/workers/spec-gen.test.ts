import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { SPEC_PROMPT_HEADING, SPEC_RETRY_HEADING } from "../../src/automaton/spec-gen.js";
import { base64ToText } from "../../src/core/base64.js";
import type { RecordEntry } from "../../src/core/record.js";
import type { AutomatonView } from "../../src/protocol/automatons.js";
import type { Project, Spec } from "../../src/protocol/projects.js";
import { SandboxClient, urlTransport } from "../../src/tools/sandbox-client.js";
import { projectWorkspaceIdOf } from "../../src/tools/workspace-id.js";
import { projectRecord } from "./domain-tool-helpers.js";
import {
  agentStub,
  bodyOf,
  call,
  evictAgents,
  getRecord,
  getVerify,
  mintToken,
  payloadJson,
  payloadText,
  waitFor,
} from "./helpers.js";
import { createProject, createSpec, createTask, tasksById } from "./project-helpers.js";
import { finalText, scriptModel } from "./scripted-model.js";
import { finalOf, statusOf } from "./task-run-helpers.js";
import { TEST_SANDBOX_SECRET } from "./test-secret.js";

const ORG = "org-spec-gen";
let token: string;

beforeAll(async () => {
  token = await mintToken({ org: ORG, sub: "ann" });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const NEW_SPECS = [
  { title: "Accounts", markdown_contents: "# Accounts\nSign-in with a passkey." },
  { title: "Cart", markdown_contents: "# Cart\nItems, quantities, totals." },
  { title: "Checkout", markdown_contents: "# Checkout\nPayment and receipts." },
];

/**
 * Scripts the model of a spec-gen whose requirements hold `marker`: `answers[0]` replies to
 * the first prompt, `answers[1]` to the retry. Returns how many real calls each got.
 */
function scriptSpecGen(marker: string, answers: string[]): { first: number; retry: number } {
  const calls = { first: 0, retry: 0 };
  scriptModel(({ opening, request }) => {
    const about = request.messages.some((m) =>
      m.content.some((b) => b.type === "text" && b.text.includes(marker)),
    );
    if (!about) return undefined;
    if (opening.startsWith(`${SPEC_PROMPT_HEADING}\n`)) {
      calls.first++;
      return finalText(request.model, answers[0] ?? "no answer");
    }
    if (opening.startsWith(`${SPEC_RETRY_HEADING}\n`)) {
      calls.retry++;
      return finalText(request.model, answers[1] ?? "no answer");
    }
    return undefined;
  });
  return calls;
}

/** Writes a file into the project's workspace, in the real sandbox. */
async function writeProjectFile(project: Project, path: string, content: string): Promise<void> {
  const sandbox = new SandboxClient(urlTransport(inject("sandboxUrl")), TEST_SANDBOX_SECRET);
  const made = await sandbox.dispatch(projectWorkspaceIdOf(ORG, project.id), {
    action_id: `setup-${project.id.slice(0, 16)}-${path.replace(/\W/g, "")}`,
    tool: "write_file",
    args: { path, content },
  });
  expect(made.result).toMatchObject({ ok: true });
}

/** A project with two specs and a requirements file holding `marker`. */
async function projectWithRequirements(marker: string): Promise<{ project: Project; old: Spec[] }> {
  const project = await createProject(token, { name: `p ${marker}` });
  const old = [
    await createSpec(token, project.id, "old one"),
    await createSpec(token, project.id, "old two"),
  ];
  await writeProjectFile(project, "requirements.md", `# Shop\n${marker}: people buy things.\n`);
  return { project, old };
}

/** `POST /automatons {kind: "spec-gen"}` (on demand), answering 201. */
async function createSpecGen(project: Project, requirementsPath?: string): Promise<AutomatonView> {
  const json = {
    kind: "spec-gen",
    project_id: project.id,
    schedule: { type: "on_demand" },
    ...(requirementsPath === undefined ? {} : { requirements_path: requirementsPath }),
  };
  const created = await call("POST", "/automatons", { token, json });
  expect(created.status).toBe(201);
  return bodyOf<AutomatonView>(created);
}

/** Starts a spec-gen, ticks it once and waits until it is final. */
async function runSpecGen(project: Project, requirementsPath?: string): Promise<AutomatonView> {
  const view = await createSpecGen(project, requirementsPath);
  expect(view).toMatchObject({ kind: "spec-gen", status: "running" });
  const tick = await call("POST", `/automatons/${view.automaton_id}/tick`, { token });
  expect(tick.status).toBe(202);
  return finalOf(token, view.automaton_id);
}

async function specsOf(project: Project): Promise<Spec[]> {
  return bodyOf<Spec[]>(await call("GET", `/projects/${project.id}/specs`, { token }));
}

const prompts = (record: RecordEntry[]) =>
  record.filter((e) => e.tx.tx_type === "user_prompt").map(payloadText);

/** The `detail` of the automaton's last `automaton_tick_done`. */
async function lastTickDetail(id: string): Promise<Record<string, unknown>> {
  const entries = await bodyOf<RecordEntry[]>(
    await call("GET", `/automatons/${id}/record`, { token }),
  );
  const done = entries.map(payloadJson).filter((e) => e.type === "automaton_tick_done");
  return (done.at(-1)?.detail ?? {}) as Record<string, unknown>;
}

describe("spec-gen", () => {
  it("spec-gen replaces specs: the project holds exactly the model's specs, its record verifies, the automaton is completed", async () => {
    const { project, old } = await projectWithRequirements("replace-marker");
    const task = await createTask(token, project.id, {
      title: "uses old two",
      spec_id: old[1]?.id,
    });
    const calls = scriptSpecGen("replace-marker", [JSON.stringify(NEW_SPECS)]);
    const view = await runSpecGen(project);
    expect(view).toMatchObject({ status: "completed" });
    expect(calls).toEqual({ first: 1, retry: 0 });
    const specs = await specsOf(project);
    expect(specs.map((s) => ({ title: s.title, markdown_contents: s.markdown_contents }))).toEqual(
      NEW_SPECS,
    );
    // The task's spec is one of the new ones (a referenced spec is written first, not deleted)
    const spec = (await tasksById(token, project.id)).get(task.id)?.spec_id;
    expect(specs.map((s) => s.id)).toContain(spec);
    const verify = await call("GET", `/projects/${project.id}/verify`, { token });
    expect(await bodyOf(verify)).toMatchObject({ ok: true });
    // One change per spec in the project's record, by the automaton's agent
    const changes = (await projectRecord(token, project.id)).filter(
      (e) => e.tx.sub === `agent:${view.agent_id}`,
    );
    expect(changes.map((e) => JSON.parse(base64ToText(e.tx.payload)).command)).toEqual([
      "update_spec",
      "update_spec",
      "create_spec",
    ]);
    // What was read is in the agent's record: the prompt holds the requirements file's text
    const record = await getRecord(token, view.agent_id);
    const [prompt, ...more] = prompts(record);
    expect(more).toEqual([]);
    expect(prompt).toContain("`requirements.md`");
    expect(prompt).toContain("replace-marker: people buy things.");
    expect(await lastTickDetail(view.automaton_id)).toMatchObject({
      requirements_path: "requirements.md",
      spec_ids: specs.map((s) => s.id),
      deleted_spec_ids: [],
      kept: [],
    });
    expect((await getVerify(token, view.agent_id)).ok).toBe(true);
  });

  it("asks once more after a malformed answer, naming what was wrong, and completes with the second", async () => {
    const { project } = await projectWithRequirements("retry-marker");
    const fenced = `Here you go:\n\`\`\`json\n${JSON.stringify(NEW_SPECS.slice(0, 1))}\n\`\`\``;
    const calls = scriptSpecGen("retry-marker", ["Sure, I will write the specs soon.", fenced]);
    const view = await runSpecGen(project);
    expect(view.status).toBe("completed");
    expect(calls).toEqual({ first: 1, retry: 1 });
    expect((await specsOf(project)).map((s) => s.title)).toEqual(["Accounts"]);
    const [, retry] = prompts(await getRecord(token, view.agent_id));
    expect(retry?.startsWith(SPEC_RETRY_HEADING)).toBe(true);
    expect(retry).toContain(
      'What was wrong: the answer holds no JSON array: it begins "Sure, I will write the specs soon."',
    );
    expect(await lastTickDetail(view.automaton_id)).toMatchObject({ retried: true });
  });

  it("fails with the reason after a second malformed answer, leaving the specs as they were", async () => {
    const { project, old } = await projectWithRequirements("twice-marker");
    const calls = scriptSpecGen("twice-marker", [
      "no JSON here",
      JSON.stringify([{ title: "Only a title" }]),
    ]);
    const view = await runSpecGen(project);
    expect(view.status).toBe("failed");
    expect(calls).toEqual({ first: 1, retry: 1 });
    expect(view.reason).toContain("malformed twice");
    expect(view.reason).toContain("[0].markdown_contents");
    expect((await specsOf(project)).map((s) => s.id)).toEqual(old.map((s) => s.id));
  });

  it("fails naming the path when the requirements file is missing, asking the model nothing", async () => {
    const { project } = await projectWithRequirements("missing-marker");
    const calls = scriptSpecGen("missing-marker", [JSON.stringify(NEW_SPECS)]);
    const view = await runSpecGen(project, "docs/absent.md");
    expect(view.status).toBe("failed");
    expect(view.reason).toContain("requirements file docs/absent.md could not be read");
    expect(calls).toEqual({ first: 0, retry: 0 });
    expect(prompts(await getRecord(token, view.agent_id))).toEqual([]);
    expect((await specsOf(project)).map((s) => s.title)).toEqual(["old one", "old two"]);
  });

  it("asks the model once and changes each spec once when the alarm runs twice and the object is evicted", async () => {
    const { project } = await projectWithRequirements("evict-marker");
    const calls = scriptSpecGen("evict-marker", [JSON.stringify(NEW_SPECS)]);
    const view = await createSpecGen(project);
    expect((await call("POST", `/automatons/${view.automaton_id}/tick`, { token })).status).toBe(
      202,
    );
    const stub = agentStub(ORG, view.agent_id);
    await runInDurableObject(stub, (instance) => Promise.all([instance.alarm(), instance.alarm()]));
    await evictAgents();
    await waitFor("the spec-gen to end", async () => {
      await runInDurableObject(agentStub(ORG, view.agent_id), (instance) => instance.alarm());
      const { status } = await statusOf(token, view.automaton_id);
      return status === "running" ? undefined : true;
    });
    expect((await finalOf(token, view.automaton_id)).status).toBe("completed");
    expect(calls).toEqual({ first: 1, retry: 0 });
    expect(prompts(await getRecord(token, view.agent_id))).toHaveLength(1);
    const changes = (await projectRecord(token, project.id)).filter(
      (e) => e.tx.sub === `agent:${view.agent_id}`,
    );
    expect(changes).toHaveLength(3);
    expect((await specsOf(project)).map((s) => s.title)).toEqual(NEW_SPECS.map((s) => s.title));
  });
});
