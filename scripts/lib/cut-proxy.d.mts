/** Types of `cut-proxy.mjs` for TypeScript importers (tests); the module itself is plain ESM. */

/** A TCP proxy whose connections can be cut (see cut-proxy.mjs). */
export interface CutProxy {
  /** The port the proxy listens on. */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Drops every open connection; with `refuse`, new ones are closed at once until `restore()`. */
  cut(options?: { refuse?: boolean }): void;
  /** Lets new connections through again. */
  restore(): void;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 to `127.0.0.1:targetPort`. */
export function cutProxy(
  targetPort: number,
  options?: { onServerData?: (chunk: Buffer, at: number) => void },
): Promise<CutProxy>;
