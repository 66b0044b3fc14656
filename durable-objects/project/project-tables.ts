import type { ProjectState } from "../../src/project/project-events.js";
import type { Project, Spec, Task } from "../../src/protocol/projects.js";

/** The project row: who owns the project and where its record's head is. */
export interface ProjectMeta {
  project_id: string;
  org: string;
  window_size: number;
  head_seq: number;
  head_hash: string;
  deleted: boolean;
}

interface MetaRow extends Record<string, SqlStorageValue> {
  project_id: string;
  org: string;
  window_size: number;
  head_seq: number;
  head_hash: string;
  deleted: number;
  data: string;
}

/**
 * The project row, if the project was ever created.
 *
 * @example
 * const meta = selectMeta(sql); // undefined before create
 */
export function selectMeta(sql: SqlStorage): (ProjectMeta & { project: Project }) | undefined {
  const row = sql.exec<MetaRow>("SELECT * FROM project WHERE id = 1").toArray()[0];
  if (!row) return undefined;
  const { data, deleted, ...meta } = row;
  return { ...meta, deleted: deleted === 1, project: JSON.parse(data) as Project };
}

/** Writes the project row: its metadata, head and current project object. */
export function upsertMeta(sql: SqlStorage, meta: ProjectMeta, project: Project): void {
  sql.exec(
    `INSERT OR REPLACE INTO project (id, project_id, org, window_size, head_seq, head_hash, deleted, data)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
    meta.project_id,
    meta.org,
    meta.window_size,
    meta.head_seq,
    meta.head_hash,
    meta.deleted ? 1 : 0,
    JSON.stringify(project),
  );
}

/** Specs in `order` (then creation). */
export function selectSpecs(sql: SqlStorage): Spec[] {
  return sql
    .exec<{ data: string }>("SELECT data FROM spec ORDER BY ord, created_at, spec_id")
    .toArray()
    .map((r) => JSON.parse(r.data) as Spec);
}

/** Tasks in `order` (then creation). */
export function selectTasks(sql: SqlStorage): Task[] {
  return sql
    .exec<{ data: string }>("SELECT data FROM task ORDER BY ord, created_at, task_id")
    .toArray()
    .map((r) => JSON.parse(r.data) as Task);
}

/**
 * The current state as the tables hold it (`undefined` before the project exists).
 *
 * @example
 * const state = loadState(sql);
 */
export function loadState(sql: SqlStorage): ProjectState | undefined {
  const meta = selectMeta(sql);
  if (!meta) return undefined;
  return {
    project: meta.project,
    deleted: meta.deleted,
    specs: new Map(selectSpecs(sql).map((s) => [s.id, s])),
    tasks: new Map(selectTasks(sql).map((t) => [t.id, t])),
  };
}

/** Writes the given specs and tasks as they are in `state`: saved if present, else deleted. */
export function saveItems(
  sql: SqlStorage,
  state: ProjectState,
  touched: { specs: Iterable<string>; tasks: Iterable<string> },
): void {
  saveRows(sql, "spec", "spec_id", state.specs, touched.specs);
  saveRows(sql, "task", "task_id", state.tasks, touched.tasks);
}

/** Writes each of `ids` of one item table as `items` has it: saved if present, else deleted. */
function saveRows(
  sql: SqlStorage,
  table: "spec" | "task",
  idColumn: "spec_id" | "task_id",
  items: ReadonlyMap<string, { order: number; created_at: number }>,
  ids: Iterable<string>,
): void {
  for (const id of ids) {
    const item = items.get(id);
    if (!item) sql.exec(`DELETE FROM ${table} WHERE ${idColumn} = ?`, id);
    else
      sql.exec(
        `INSERT OR REPLACE INTO ${table} (${idColumn}, ord, created_at, data) VALUES (?, ?, ?, ?)`,
        id,
        item.order,
        item.created_at,
        JSON.stringify(item),
      );
  }
}
