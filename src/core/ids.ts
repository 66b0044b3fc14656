import { z } from "zod";
import { bytesToHex } from "./hash.js";

/** 32 bytes as 64 lowercase hex characters: the shape of agent ids, tx ids and hashes. */
export const HEX32 = /^[0-9a-f]{64}$/;

/** An agent id: 32 bytes, lowercase hex. */
export const AgentId = z.string().regex(HEX32, "agent_id must be 64 lowercase hex characters");
export type AgentId = z.infer<typeof AgentId>;

/** A transaction id (the transaction's hash). */
export const TxId = z.string().regex(HEX32, "tx_id must be 64 lowercase hex characters");
export type TxId = z.infer<typeof TxId>;

/** A BLAKE3 digest in lowercase hex. */
export const Hash = z.string().regex(HEX32, "hash must be 64 lowercase hex characters");

/**
 * A fresh random agent id. Randomness belongs to the shell (the Worker), never the kernel.
 *
 * @example
 * const id = newAgentId(); // "3f2a…" (64 hex chars)
 */
export function newAgentId(): AgentId {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return bytesToHex(bytes);
}

/**
 * A fresh random id for a project's spec or task: 16 bytes, lowercase hex.
 *
 * @example
 * const id = newItemId(); // "9c0e…" (32 hex chars)
 */
export function newItemId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return bytesToHex(bytes);
}
