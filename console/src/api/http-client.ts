import type { z } from "zod";
import { ApiError, errorOf } from "./api-error.js";

/**
 * The console's one way to the HTTP API: same origin, the session's bearer token, JSON in
 * and out, every answer validated with the protocol's zod schema. A 401 calls
 * `onUnauthorized` (the token expired or was revoked: sign in again).
 *
 * @example
 * const http = new HttpClient(token, () => signOut("expired"));
 * const agents = await http.get("/agents", z.array(AgentSummary));
 */
export class HttpClient {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.request("GET", path, undefined, schema);
  }

  post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.request("POST", path, body, schema);
  }

  patch<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return this.request("PATCH", path, body, schema);
  }

  delete<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    return this.request("DELETE", path, undefined, schema);
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new ApiError(0, "network", `cannot reach the server: ${String(err)}`);
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (response.status === 401) this.onUnauthorized();
      throw error;
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) {
      throw new ApiError(
        response.status,
        "invalid_response",
        `${method} ${path}: unexpected answer: ${parsed.error.issues[0]?.message ?? "invalid"}`,
      );
    }
    return parsed.data;
  }
}
