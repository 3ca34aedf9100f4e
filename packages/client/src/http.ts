import { PaddockError, isAppError, messages } from "./errors.js";

/** True in Node.js (and other server runtimes), where the client keeps the cookies. */
export const isServerRuntime =
  typeof (globalThis as { document?: unknown }).document === "undefined" &&
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
    "string";

/**
 * The session cookie outside browsers. Browsers keep cookies themselves (HttpOnly: a
 * script never sees them); Node.js has no cookie store, so the client keeps what the
 * server sets and sends it back.
 */
export class CookieJar {
  #cookies = new Map<string, string>();

  constructor(header?: string) {
    for (const pair of (header ?? "").split(";")) {
      const at = pair.indexOf("=");
      if (at > 0) this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  /** Takes the `Set-Cookie` headers of a response (a cookie set to expire is removed). */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie?.() ?? []) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = "", raw = ""] = attribute.split("=").map((part) => part.trim());
        if (key.toLowerCase() === "max-age") return Number(raw) <= 0;
        if (key.toLowerCase() === "expires") return Date.parse(raw) <= Date.now();
        return false;
      });
      if (expired || value === "") this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The `Cookie` header to send, or undefined without a cookie. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  clear(): void {
    this.#cookies.clear();
  }
}

export type FieldValue = string | number | boolean | null | undefined;

/** Calls Paddock's server functions (`POST /api/<endpoint>`, form fields, JSON answers). */
export class Http {
  readonly base: URL;
  readonly origin: string;
  readonly cookies: CookieJar | undefined;
  readonly #fetch: typeof fetch;

  constructor(base: URL, origin: string, fetchImpl: typeof fetch, cookies: CookieJar | undefined) {
    this.base = base;
    this.origin = origin;
    this.#fetch = fetchImpl;
    this.cookies = cookies;
  }

  /** The headers every request carries outside browsers: the session and our origin. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { ...extra };
    if (this.cookies) {
      // Browsers send Origin themselves and forbid setting it.
      headers["Origin"] = this.origin;
      const cookie = this.cookies.header();
      if (cookie) headers["Cookie"] = cookie;
    }
    return headers;
  }

  url(path: string): URL {
    return new URL(path, this.base);
  }

  /** Fetches `path`, keeping the cookies it sets; network failures become `network`. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await this.#fetch(this.url(path), {
        credentials: "include",
        redirect: "manual",
        ...init,
        headers: this.headers((init.headers as Record<string, string> | undefined) ?? {}),
      });
    } catch (cause) {
      if ((cause as { name?: string }).name === "AbortError") throw cause;
      throw new PaddockError("network", messages.network, { cause });
    }
    this.cookies?.store(response);
    return response;
  }

  /** Calls the server function at `/api/<endpoint>` with form `fields`; its JSON answer. */
  async call<T>(endpoint: string, fields: Record<string, FieldValue> = {}): Promise<T> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) body.set(name, String(value));
    }
    const response = await this.fetch(`/api/${endpoint}`, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
    });
    const text = await response.text();
    // Server functions that redirect a browser's form answer 302 with an empty body.
    if (response.ok || (response.status >= 300 && response.status < 400)) {
      if (text === "") return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new PaddockError("bad_response", messages.badResponse, {
          status: response.status,
          cause,
        });
      }
    }
    throw errorOfResponse(response, text);
  }
}

/** The error an HTTP refusal carries: Paddock's JSON `AppError`, or one made from the status. */
export function errorOfResponse(response: Response, text: string): PaddockError {
  return errorOfRefusal(response.status, text, response.headers.get("retry-after"));
}

/**
 * The error of a refusal with `status` and body `text` (a server function, the
 * notification stream or a WebSocket upgrade): Paddock answers a JSON `AppError`; a
 * proxy in front may answer anything else, read from the status.
 */
export function errorOfRefusal(status: number, text: string, retryAfter: string | null = null): PaddockError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isAppError(parsed)) return PaddockError.fromServer(parsed, status);
  const retry = Number(retryAfter);
  const retryAfterSecs = Number.isFinite(retry) && retry > 0 ? { retryAfterSecs: retry } : {};
  switch (status) {
    case 401:
      return new PaddockError("unauthenticated", messages.sessionEnded, { status });
    case 403:
      return new PaddockError("cross_site_request", text.trim() || messages.originRefused, { status });
    case 429:
      return new PaddockError("rate_limited", text.trim() || messages.timeout, { status, ...retryAfterSecs });
    case 503:
      return new PaddockError("unavailable", text.trim() || messages.network, { status, ...retryAfterSecs });
    default:
      return new PaddockError("bad_response", `${messages.badResponse} (HTTP ${status})`, { status });
  }
}
