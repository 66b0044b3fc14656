import { StringDecoder } from "node:string_decoder";

/**
 * Collects a stream's text up to `cap` characters and counts every byte, keeping nothing past
 * the cap: a command that prints 50 MB costs the server `cap` characters of memory while its
 * pipe is still drained, so the command never stalls on a full pipe.
 *
 * @example
 * const out = new CappedText(8000);
 * child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
 * // later: out.text(), out.truncated, out.bytes
 */
export class CappedText {
  private readonly decoder = new StringDecoder("utf8");
  private collected = "";
  private full = false;
  /** Bytes seen, kept or not. */
  bytes = 0;

  constructor(private readonly cap: number) {}

  /** Adds a chunk. */
  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.full) return;
    this.collected += this.decoder.write(chunk);
    if (this.collected.length > this.cap) {
      this.collected = this.collected.slice(0, this.cap);
      this.full = true;
    }
  }

  /** True when output past the cap was dropped. */
  get truncated(): boolean {
    return this.full;
  }

  /** The collected text, at most `cap` characters. */
  text(): string {
    if (this.full) return this.collected;
    return (this.collected + this.decoder.end()).slice(0, this.cap);
  }
}
