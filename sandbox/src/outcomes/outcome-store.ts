import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { FilesChangedWire, ToolResult } from "../../../src/protocol/sandbox.js";
import { SandboxError } from "../errors.js";
import type { ToolOutcome } from "../tools/run-tool.js";
import { errnoCode } from "../tools/tool-failure.js";

const StoredOutcome = z.object({
  action_id: z.string(),
  result: ToolResult,
  files_changed: FilesChangedWire,
});

/**
 * Durable first outcomes of dispatches, one JSON file per (workspace, action id) under
 * `<root>/outcomes/<workspace>/`. The file name is the SHA-256 of the action id, so no id
 * (`..`, `.`, 128 characters) can name a path of its own. Writes are atomic (temp file, fsync,
 * rename): a reader sees a whole outcome or none.
 *
 * A `.pending` marker is written before a tool runs and removed once its outcome is stored: a
 * marker without an outcome means the sandbox stopped mid-call.
 *
 * @example
 * const store = new OutcomeStore("/data/sandbox");
 * await store.save(workspaceId, "act-1", outcome);
 * await store.load(workspaceId, "act-1"); // the same outcome
 */
export class OutcomeStore {
  constructor(private readonly root: string) {}

  /** The stored outcome, or `undefined`. An unreadable file is an `internal` error. */
  async load(workspace: string, actionId: string): Promise<ToolOutcome | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(workspace, actionId, ".json"), "utf8");
    } catch (err) {
      if (errnoCode(err) === "ENOENT") return undefined;
      throw err;
    }
    const parsed = StoredOutcome.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.action_id !== actionId) {
      throw new SandboxError("internal", `stored outcome of action ${actionId} is unreadable`);
    }
    return { result: parsed.data.result, files_changed: parsed.data.files_changed };
  }

  /** True when a call of `actionId` started and never stored its outcome. */
  async wasInterrupted(workspace: string, actionId: string): Promise<boolean> {
    return stat(this.file(workspace, actionId, ".pending")).then(
      () => true,
      () => false,
    );
  }

  /** Marks `actionId` as running. */
  async markPending(workspace: string, actionId: string): Promise<void> {
    await this.writeAtomically(this.file(workspace, actionId, ".pending"), "");
  }

  /** Stores the first outcome of `actionId` and clears its pending marker. */
  async save(workspace: string, actionId: string, outcome: ToolOutcome): Promise<void> {
    const body = JSON.stringify({ action_id: actionId, ...outcome });
    await this.writeAtomically(this.file(workspace, actionId, ".json"), body);
    await rm(this.file(workspace, actionId, ".pending"), { force: true });
  }

  private file(workspace: string, actionId: string, suffix: string): string {
    const name = createHash("sha256").update(actionId).digest("hex");
    return path.join(this.root, "outcomes", workspace, `${name}${suffix}`);
  }

  private async writeAtomically(file: string, body: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
