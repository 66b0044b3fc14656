import { z } from "zod";
import { AgentId, Hash } from "../core/ids.js";
import { AgentStatus } from "../core/record.js";
import type { SerializedEntry } from "../kernel/step.js";
import { CreateAgentRequest } from "./agents.js";

/** The `format` of the first line of every export. */
export const EXPORT_FORMAT = "aura_record_export";

/** `POST /agents/import`: the most bytes a body may have (100 MiB); beyond it, `413`. */
export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

/** The most bytes one line of an export may have (16 MiB); beyond it, `413`. */
export const MAX_EXPORT_LINE_BYTES = 16 * 1024 * 1024;

/** The media type of an export: newline-delimited JSON. */
export const EXPORT_CONTENT_TYPE = "application/x-ndjson";

/**
 * The first line of an export (`GET /agents/:id/export`): the agent's metadata, the window
 * its context hashes were computed with, and the head the entries that follow end at.
 * `settings` are the ones `POST /agents` takes.
 *
 * @example
 * ExportHeader.parse(JSON.parse(firstLine)).head_seq; // 7
 */
export const ExportHeader = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  agent_id: AgentId,
  created_at: z.number().int().nonnegative(),
  status: AgentStatus,
  window_size: z.number().int().min(1).max(10_000),
  head_seq: z.number().int().nonnegative(),
  head_hash: Hash,
  settings: CreateAgentRequest,
  exported_at: z.number().int().nonnegative(),
});
export type ExportHeader = z.infer<typeof ExportHeader>;

/** `POST /agents/import` response (`201`). */
export const ImportResponse = z.object({ agent_id: AgentId });
export type ImportResponse = z.infer<typeof ImportResponse>;

/**
 * Where an export first fails to verify: `line` of the file (1 is the header), the entry's
 * `seq` when the line is an entry, and why (`<reason>: <message>`, the reasons of
 * `GET /agents/:id/verify`, plus `malformed_header`).
 */
export interface ExportProblem {
  line: number;
  seq?: number;
  reason: string;
}

/** What an agent tells the Worker for an export's header. */
export type ExportInfo = Omit<ExportHeader, "format" | "version" | "exported_at">;

/**
 * One step of `POST /agents/import`, sent by the Worker to the new agent's object: a batch of
 * verified entries, then `finish` (the metadata row, which makes the agent exist), or
 * `discard` when the import failed (nothing of it is kept).
 */
export type ImportStep =
  | { type: "entries"; org: string; agent_id: string; entries: SerializedEntry[] }
  | {
      type: "finish";
      org: string;
      agent_id: string;
      settings: CreateAgentRequest;
      window_size: number;
      head: { seq: number; hash: string };
      open_turn_seq: number | null;
      now: number;
    }
  | { type: "discard"; org: string; agent_id: string };
