import { AuraError } from "../core/errors.js";

/** One line of an NDJSON body: its number (the first is 1) and its text. */
export interface NdjsonLine {
  line: number;
  text: string;
}

/** Bounds on what {@link ndjsonLines} reads. */
export interface NdjsonLimits {
  /** The most bytes the whole body may have. */
  maxBytes: number;
  /** The most bytes one line may have (its newline excluded). */
  maxLineBytes: number;
}

/** A body read as bytes: a web stream (a request body) or any async iterable (a Node file). */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * The lines of an NDJSON body, read chunk by chunk: memory stays bounded by one line. A line
 * ends at `\n` (a `\r` before it is dropped); a last line without one is still a line; an
 * empty line is yielded as `""`. Past a limit it throws `payload_too_large`; a line that is
 * not UTF-8 throws `invalid_request` naming it.
 *
 * @example
 * for await (const { line, text } of ndjsonLines(request.body, limits)) console.log(line, text);
 */
export async function* ndjsonLines(
  source: ByteSource,
  limits: NdjsonLimits,
): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let total = 0;
  let line = 0;
  const finish = (tail: Uint8Array): NdjsonLine => {
    line++;
    const bytes = join(parts, partBytes, tail);
    parts = [];
    partBytes = 0;
    const end =
      bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    try {
      return { line, text: decoder.decode(bytes.subarray(0, end)) };
    } catch {
      throw new AuraError("invalid_request", `line ${line}: is not UTF-8`, { line });
    }
  };
  const checkLine = (extra: number): void => {
    if (partBytes + extra > limits.maxLineBytes) {
      throw new AuraError(
        "payload_too_large",
        `line ${line + 1}: longer than ${limits.maxLineBytes} bytes`,
        { line: line + 1 },
      );
    }
  };
  for await (const chunk of chunksOf(source)) {
    total += chunk.length;
    if (total > limits.maxBytes) {
      throw new AuraError("payload_too_large", `body exceeds ${limits.maxBytes} bytes`);
    }
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      checkLine(nl - start);
      yield finish(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) {
      checkLine(chunk.length - start);
      parts.push(chunk.slice(start));
      partBytes += chunk.length - start;
    }
  }
  if (partBytes > 0) yield finish(new Uint8Array(0));
}

function join(parts: readonly Uint8Array[], partBytes: number, tail: Uint8Array): Uint8Array {
  if (parts.length === 0) return tail;
  const out = new Uint8Array(partBytes + tail.length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  out.set(tail, at);
  return out;
}

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (!(source instanceof ReadableStream)) {
    for await (const chunk of source) yield chunk;
    return;
  }
  const reader = source.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // A reader that stops early (a refused line) tells the sender it reads no further.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
