import { z } from "zod";
import { AgentId } from "../core/ids.js";
import { Base64, ClientTxType } from "../core/record.js";
import { FilesChangedWire } from "./sandbox.js";

/** Largest decoded payload `POST /tx` accepts (1 MiB). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** `POST /tx` body. */
export const SubmitTxRequest = z.strictObject({
  agent_id: AgentId,
  kind: ClientTxType,
  payload: Base64,
  idempotency_key: z.string().min(1).max(256).optional(),
});
export type SubmitTxRequest = z.infer<typeof SubmitTxRequest>;

/** `POST /tx` response (202). */
export interface SubmitTxResponse {
  accepted: true;
  tx_id: string;
}

/** `GET /tx/status/:agent_id/:tx_id` response. */
export const TxStatus = z.object({
  tx_id: z.string(),
  status: z.enum(["pending", "processed", "failed", "unknown"]),
  seq: z.number().int().positive().optional(),
  error: z.string().optional(),
  /** For a finished turn: the workspace paths its tool calls created, modified or deleted. */
  files_changed: FilesChangedWire.optional(),
});
export type TxStatus = z.infer<typeof TxStatus>;

/**
 * What a turn's reply entry records about the turn, in its `proposals.trace` (a type alias, so
 * it is assignable to the record's JSON type).
 */
export type TurnTrace = {
  turn: {
    stop_reason: string;
    files_changed: z.infer<typeof FilesChangedWire>;
    usage: { input_tokens: number; output_tokens: number };
    error?: { code: string; message: string };
  };
};
