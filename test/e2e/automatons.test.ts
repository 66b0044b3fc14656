import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startFakeAnthropic } from "../../scripts/fake-anthropic/server.mjs";
import { AutomatonStreamEvent } from "../../src/protocol/automaton-stream.js";
import { Commit, Project, Task } from "../../src/protocol/projects.js";
import { type GitRemote, serveBareRepo } from "../support/git-remote.js";
import { client, expectShape } from "./helpers/api.js";
import { type LocalStack, startLocalStack } from "./helpers/local-stack.js";
import { freePort } from "./helpers/net.js";

const SECRET = "e2e-automatons-secret-0123456789abcdefghij";
const API_KEY = "sk-e2e-automatons";

let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
let stack: LocalStack;
let remote: GitRemote;
let dataDir: string;

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: API_KEY });
  remote = await serveBareRepo({ "README.md": "# seed\n" });
  dataDir = mkdtempSync(join(tmpdir(), "aura-e2e-automatons-"));
  stack = await startLocalStack({
    port: await freePort(),
    dataDir,
    env: {
      AURA_JWT_SECRET: SECRET,
      AURA_ANTHROPIC_API_KEY: API_KEY,
      AURA_ANTHROPIC_BASE_URL: fake.url,
      AURA_ANTHROPIC_MODEL: "claude-e2e",
    },
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await fake?.close();
  await remote?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The model's answers for one task: plan, write `file`, task_done, then a closing text. */
function taskScript(tag: string, file: string) {
  const call = (name: string, input: object) => ({
    kind: "reply" as const,
    content: [{ type: "tool_use", id: `toolu_${tag}_${name}`, name, input }],
    stop_reason: "tool_use",
  });
  return [
    call("submit_plan", { plan: `write ${file}` }),
    call("write_file", { path: file, content: `export const ${tag} = "${tag}";\n` }),
    call("task_done", { summary: `${file} written` }),
    { kind: "reply" as const, content: [{ type: "text", text: `${tag} is done.` }] },
  ];
}

/** Watches `/stream/automaton/:id` from the start (`?after_seq=0`) until `done`. */
function watchToDone(url: string, token: string, path: string): Promise<AutomatonStreamEvent[]> {
  const ws = new WebSocket(`${url.replace("http", "ws")}${path}?after_seq=0&token=${token}`);
  const events: AutomatonStreamEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`no done; got ${events.map((e) => e.type).join(",")}`));
    }, 120_000);
    ws.once("error", reject);
    ws.on("message", (data) => {
      const event = AutomatonStreamEvent.parse(JSON.parse(String(data)));
      events.push(event);
      if (event.type === "done") {
        clearTimeout(timer);
        ws.close();
        resolve(events);
      }
    });
  });
}

/**
 * Opens `/stream/automaton/:id` with no `after_seq`, sends `resume {after_seq}` and collects
 * what it is sent until the server closes it (a finished automaton's socket closes after the
 * replay).
 */
function resumeAfter(
  url: string,
  token: string,
  path: string,
  afterSeq: number,
): Promise<AutomatonStreamEvent[]> {
  const ws = new WebSocket(`${url.replace("http", "ws")}${path}?token=${token}`);
  const events: AutomatonStreamEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`not closed; got ${events.map((e) => e.type).join(",")}`));
    }, 30_000);
    ws.once("error", reject);
    ws.once("open", () => ws.send(JSON.stringify({ type: "resume", after_seq: afterSeq })));
    ws.on("message", (data) => events.push(AutomatonStreamEvent.parse(JSON.parse(String(data)))));
    ws.once("close", () => {
      clearTimeout(timer);
      resolve(events);
    });
  });
}

describe("automatons through npm start", () => {
  it("runs a dev loop from POST /automaton/start to done on /stream/automaton/:id, cloning its remote and committing each task", async () => {
    const api = client(stack.url, stack.token);
    const project = expectShape(Project, (await api.post("/projects", { name: "e2e loop" })).body);
    const first = expectShape(
      Task,
      (await api.post(`/projects/${project.id}/tasks`, { title: "first module" })).body,
    );
    const second = expectShape(
      Task,
      (
        await api.post(`/projects/${project.id}/tasks`, {
          title: "second module",
          dependency_ids: [first.id],
        })
      ).body,
    );
    fake.script([...taskScript("one", "src/one.ts"), ...taskScript("two", "src/two.ts")]);

    const started = await api.post("/automaton/start", {
      project_id: project.id,
      git_repo_url: remote.url,
    });
    expect(started.status).toBe(201);
    const { automaton_id, event_stream_url } = started.body as {
      automaton_id: string;
      event_stream_url: string;
    };
    expect(event_stream_url).toBe(`/stream/automaton/${automaton_id}`);
    const events = await watchToDone(stack.url, stack.token, event_stream_url);

    // Every event names the automaton and comes in record order (live model text carries
    // the seq of its tick's entry).
    expect(events.every((e) => e.automaton_id === automaton_id)).toBe(true);
    const seqs = events.filter((e) => e.type !== "text_delta").map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const story = events
      .filter((e) => e.type !== "text_delta" && e.type !== "tool_result")
      .map((e) =>
        "task_id" in e
          ? `${e.type}:${e.task_id}`
          : e.type === "tool_use_start"
            ? `tool:${e.name}`
            : e.type,
      );
    const taskStory = (id: string) => [
      `task_started:${id}`,
      "tool:submit_plan",
      "tool:write_file",
      "tool:task_done",
      `task_completed:${id}`,
    ];
    expect(story).toEqual([
      "started",
      ...taskStory(first.id),
      ...taskStory(second.id),
      "loop_finished",
      "done",
    ]);
    expect(events.find((e) => e.type === "loop_finished")).toMatchObject({
      outcome: "all_tasks_complete",
      completed_count: 2,
      failed_count: 0,
    });
    expect(events.at(-1)).toMatchObject({ type: "done", status: "completed" });

    // A second socket that saw nothing sends resume {after_seq} with the seq of the first
    // task's completion: it is sent exactly the events after it, then closed.
    const missedFrom = events.find((e) => e.type === "task_completed")?.seq ?? 0;
    expect(missedFrom).toBeGreaterThan(0);
    const resumed = await resumeAfter(stack.url, stack.token, event_stream_url, missedFrom);
    const recorded = (list: AutomatonStreamEvent[]) => list.filter((e) => e.type !== "text_delta");
    expect(recorded(resumed)).toEqual(recorded(events).filter((e) => e.seq > missedFrom));
    expect(recorded(resumed)[0]).toMatchObject({ type: "task_started", task_id: second.id });
    expect(resumed.at(-1)).toMatchObject({ type: "done", status: "completed" });

    const status = await api.get(`/automaton/${automaton_id}/status`);
    expect(status.body).toMatchObject({ ok: true, automaton_id, status: "completed" });
    const commits = expectShape(
      Commit.array(),
      (await api.get(`/projects/${project.id}/commits`)).body,
    );
    expect(commits.map((c) => c.message)).toEqual([
      `task(${second.id}): second module`,
      `task(${first.id}): first module`,
      "initial import",
    ]);
    const listed = (await api.get("/automaton/list")).body as Array<{ automaton_id: string }>;
    expect(listed.map((a) => a.automaton_id)).toContain(automaton_id);
    expect((await api.get(`/projects/${project.id}/verify`)).body).toMatchObject({ ok: true });
  });
});
