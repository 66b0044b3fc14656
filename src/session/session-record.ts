import { z } from "zod";
import { base64ToText } from "../core/base64.js";
import type { InstalledTool, SessionInitFrame } from "../protocol/stream.js";
import {
  ConversationMessage,
  HeaderId,
  MaxTokens,
  MaxTurns,
  ModelId,
  Temperature,
} from "../protocol/stream.js";
import { auraAgentRefOf } from "./aura-agent-id.js";

/** An installed tool as the record keeps it: everything but its credentials. */
export const RecordedInstalledTool = z.object({
  name: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.json()),
  endpoint: z.string(),
  auth_type: z.enum(["none", "bearer", "api_key", "headers"]),
  timeout_ms: z.number().int().positive().optional(),
});
export type RecordedInstalledTool = z.infer<typeof RecordedInstalledTool>;

/**
 * A `session_start` entry: the settings a WebSocket session runs its turns with, so the
 * session is rebuilt from the record after hibernation. Credentials of installed tools are
 * not recorded (they are kept beside the record, by session); the record says which kind of
 * auth each tool uses.
 */
export const SessionStartRecord = z.object({
  session_id: z.string(),
  system_prompt: z.string().optional(),
  model: ModelId.optional(),
  max_tokens: MaxTokens.optional(),
  temperature: Temperature.optional(),
  max_turns: MaxTurns.optional(),
  installed_tools: z.array(RecordedInstalledTool),
  conversation_messages: z.array(ConversationMessage).optional(),
  workspace: z.string(),
  project_path: z.string().optional(),
  /**
   * The billing ids proxy-mode model calls of the session's turns send: `aura_agent_id` as
   * `X-Aura-Agent-Id` (a `session_init.aura_agent_id` that is not one of our agent ids, such
   * as a reference client's UUID), `aura_session_id` as `X-Aura-Session-Id`.
   */
  aura_agent_id: HeaderId.optional(),
  aura_session_id: HeaderId.optional(),
});
export type SessionStartRecord = z.infer<typeof SessionStartRecord>;

/** The credentials of a session's installed tools, by tool name. */
export type InstalledToolSecrets = Record<string, InstalledTool["auth"]>;

/**
 * Splits a `session_init` into what is recorded and the credentials kept aside.
 *
 * @example
 * const { record, secrets } = sessionStartOf("s1", init, { workspace: "." });
 */
export function sessionStartOf(
  sessionId: string,
  init: SessionInitFrame,
  paths: { workspace: string; project_path?: string },
): { record: SessionStartRecord; secrets: InstalledToolSecrets } {
  const secrets: InstalledToolSecrets = {};
  const installed = (init.installed_tools ?? []).map((tool): RecordedInstalledTool => {
    secrets[tool.name] = tool.auth;
    const recorded: RecordedInstalledTool = {
      name: tool.name,
      description: tool.description,
      input_schema: tool.input_schema as RecordedInstalledTool["input_schema"],
      endpoint: tool.endpoint,
      auth_type: tool.auth.type,
    };
    if (tool.timeout_ms !== undefined) recorded.timeout_ms = tool.timeout_ms;
    return recorded;
  });
  const record: SessionStartRecord = {
    session_id: sessionId,
    installed_tools: installed,
    workspace: paths.workspace,
  };
  if (paths.project_path !== undefined) record.project_path = paths.project_path;
  for (const key of ["system_prompt", "model", "max_tokens", "temperature", "max_turns"] as const) {
    if (init[key] !== undefined) Object.assign(record, { [key]: init[key] });
  }
  if (init.conversation_messages !== undefined && init.conversation_messages.length > 0) {
    record.conversation_messages = init.conversation_messages;
  }
  if (init.aura_agent_id !== undefined) {
    const ref = auraAgentRefOf(init.aura_agent_id);
    if (ref.kind === "billing") record.aura_agent_id = ref.id;
  }
  if (init.aura_session_id !== undefined) record.aura_session_id = init.aura_session_id;
  return { record, secrets };
}

/** Decodes a `session_start` payload (base64 of its canonical JSON). */
export function decodeSessionStart(payload: string): SessionStartRecord {
  return SessionStartRecord.parse(JSON.parse(base64ToText(payload)));
}
