import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { SandboxError } from "../errors.js";

/** Largest request body the sandbox reads: a `write_file` of a few MiB, JSON-escaped. */
export const MAX_BODY_BYTES = 12 * 1024 * 1024;

/**
 * Reads a JSON body of at most `maxBytes` and validates it with `schema`. Fails with
 * `payload_too_large` (declared or actual size over the limit; reading stops at the limit) or
 * `invalid_request` naming the first bad field.
 *
 * @example
 * const request = await readJsonBody(req, DispatchRequest, MAX_BODY_BYTES);
 */
export async function readJsonBody<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  maxBytes: number,
): Promise<z.infer<S>> {
  const text = await readText(req, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SandboxError("invalid_request", "request body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
    throw new SandboxError("invalid_request", `${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

function tooLarge(maxBytes: number): SandboxError {
  return new SandboxError("payload_too_large", `request body exceeds ${maxBytes} bytes`);
}
