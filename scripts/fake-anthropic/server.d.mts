/** Types of `server.mjs` for TypeScript importers (tests); the module itself is plain ESM. */

/** One scripted outcome of a model call. */
export type Outcome =
  | ({ kind: "reply"; delay_ms?: number } & Record<string, unknown>)
  | {
      kind: "error";
      status: number;
      retry_after?: string;
      message?: string;
      error_type?: string;
      delay_ms?: number;
    }
  | { kind: "cut"; after_events: number; reply?: Record<string, unknown>; delay_ms?: number };

/** A model call the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeAnthropicOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  routerSecret?: string;
}

export interface FakeAnthropic {
  url: string;
  routerUrl: string;
  port: number;
  script(outcomes: Outcome[]): void;
  reset(): void;
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the fake Messages API and router on `host:port` (port 0: a free one). */
export function startFakeAnthropic(options?: FakeAnthropicOptions): Promise<FakeAnthropic>;
