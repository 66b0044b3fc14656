import {
  REFERENCE_ERROR_CODE_OF,
  SERVER_FRAME_ORIGIN,
  type ServerFrame,
} from "../protocol/stream.js";

/**
 * Which frames a socket may be sent: `"reference"` (a client built on the reference's own
 * types: only the frame types and error codes the reference defines) or `"extended"` (a
 * client that opted in with `session_init.aura_extensions`: every frame).
 */
export type FrameAudience = "reference" | "extended";

/**
 * The audience a `session_init`'s opt-in asks for; absent or `false` is the reference's.
 *
 * @example
 * audienceOf(true);      // "extended"
 * audienceOf(undefined); // "reference"
 */
export function audienceOf(extensions: boolean | undefined): FrameAudience {
  return extensions === true ? "extended" : "reference";
}

/**
 * The frame as `audience` may receive it: unchanged for an extended client; for a reference
 * client, undefined when the reference does not define its type (`record`,
 * `approval_request`), and an `error` whose code is ours carries the closest reference code
 * instead (its message unchanged). Pure; the input is never changed.
 *
 * @example
 * frameFor("reference", { type: "record", seq: 1, tx_type: "user_prompt", hash }); // undefined
 * frameFor("reference", errorFrame("not_found", "aura_agent_id: …", true)).code;  // "parse_error"
 */
export function frameFor(audience: FrameAudience, frame: ServerFrame): ServerFrame | undefined {
  if (audience === "extended") return frame;
  if (SERVER_FRAME_ORIGIN[frame.type] !== "reference") return undefined;
  if (frame.type !== "error") return frame;
  const code = REFERENCE_ERROR_CODE_OF[frame.code];
  return code === frame.code ? frame : { ...frame, code };
}
