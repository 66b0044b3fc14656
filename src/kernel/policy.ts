import type { z } from "zod";
import type { PermissionLevel, PolicySetting } from "../protocol/agents.js";

/** A permission level (SPEC §4). */
export type Permission = z.infer<typeof PermissionLevel>;
/** A policy profile. */
export type PolicyProfile = "dev" | "strict";

/** A resolved policy: levels of the listed tools, and what unlisted tools get. */
export interface Policy {
  profile: PolicyProfile;
  /** Level of every listed tool (profile defaults with the agent's overrides applied). */
  levels: Readonly<Record<string, Permission>>;
  /** Unlisted tools are allowed (`always_allow`) when true, denied otherwise. */
  allow_unlisted: boolean;
}

const READ_ONLY = ["read_file", "list_files", "stat_file", "find_files", "search_code"];
const WRITES = ["write_file", "edit_file", "delete_file"];

/** Default levels of each profile (SPEC §4). */
const PROFILE_LEVELS: Record<PolicyProfile, Record<string, Permission>> = {
  dev: {
    ...Object.fromEntries(READ_ONLY.map((t) => [t, "always_allow" as const])),
    ...Object.fromEntries(WRITES.map((t) => [t, "always_allow" as const])),
    run_command: "always_allow",
    send_message: "always_allow",
    spawn_agent: "always_allow",
  },
  strict: {
    ...Object.fromEntries(READ_ONLY.map((t) => [t, "always_allow" as const])),
    ...Object.fromEntries(WRITES.map((t) => [t, "ask_once" as const])),
    run_command: "always_ask",
    send_message: "ask_once",
    spawn_agent: "ask_once",
  },
};

/**
 * The policy an agent's turns run under: its own setting over the deployment's profile
 * (`AURA_POLICY`). Pure: the same inputs always give the same policy.
 *
 * @example
 * resolvePolicy(undefined, "strict").levels.run_command; // "always_ask"
 * resolvePolicy({ tools: { run_command: "deny" } }, "dev").levels.run_command; // "deny"
 */
export function resolvePolicy(
  setting: z.infer<typeof PolicySetting> | undefined,
  deployment: PolicyProfile,
): Policy {
  const explicit = typeof setting === "object" ? setting : undefined;
  const profile = typeof setting === "string" ? setting : (explicit?.profile ?? deployment);
  return {
    profile,
    levels: { ...PROFILE_LEVELS[profile], ...(explicit?.tools ?? {}) },
    allow_unlisted: explicit?.allow_unlisted ?? profile === "dev",
  };
}

/** The level of `tool`: its override, else its listed default, else `allow_unlisted`. */
export function permissionFor(policy: Policy, tool: string): Permission {
  const level = Object.hasOwn(policy.levels, tool) ? policy.levels[tool] : undefined;
  if (level !== undefined) return level;
  return policy.allow_unlisted ? "always_allow" : "deny";
}

/** What policy decides for one tool call. */
export type PolicyDecision =
  | { decision: "approved"; reason?: string }
  | { decision: "denied"; reason: string }
  | { decision: "pending_approval"; reason: string };

/**
 * Decides one tool call. `approvedThisSession` says whether a person already approved this
 * tool in the agent's session (what `ask_once` remembers), read from the record by the caller.
 *
 * @example
 * decideToolCall(policy, "run_command", false); // { decision: "pending_approval", reason: … }
 */
export function decideToolCall(
  policy: Policy,
  tool: string,
  approvedThisSession: boolean,
): PolicyDecision {
  const level = permissionFor(policy, tool);
  switch (level) {
    case "always_allow":
      return { decision: "approved" };
    case "deny":
      return { decision: "denied", reason: `policy denies ${tool}` };
    case "ask_once":
      if (approvedThisSession) {
        return { decision: "approved", reason: `${tool} approved earlier in this session` };
      }
      return { decision: "pending_approval", reason: `${tool} needs approval once per session` };
    case "always_ask":
      return { decision: "pending_approval", reason: `${tool} needs approval for every call` };
  }
}
