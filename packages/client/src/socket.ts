import { PaddockError } from "./errors.js";
import { errorOfRefusal } from "./http.js";

/** What the client needs of a WebSocket: the browser's API, or the `ws` package's. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // `any`: the DOM's and the `ws` package's event types differ; both fit.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onopen: ((event: any) => void) | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onmessage: ((event: any) => void) | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onclose: ((event: any) => void) | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onerror: ((event: any) => void) | null;
}

/** A constructor of sockets, as the browser's `WebSocket`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;

/** How one socket ended. */
export interface SocketEnd {
  code: number;
  reason: string;
  /** Set when the server refused the upgrade with an HTTP answer (Node only). */
  refused?: PaddockError;
}

export interface SocketEvents {
  open(): void;
  text(data: string): void;
  end(end: SocketEnd): void;
}

/** The close code of a connection that dropped without a close frame. */
export const ABNORMAL_CLOSURE = 1006;
const OPEN = 1;

/** One socket, its events reported once each, whatever the implementation. */
export interface OpenedSocket {
  send(text: string): boolean;
  close(code: number, reason: string): void;
}

/**
 * Opens a browser WebSocket (the browser sends the cookie and the `Origin` itself). A refused
 * upgrade shows only as a close with code 1006.
 */
export function openBrowserSocket(
  Impl: WebSocketConstructor,
  url: string,
  events: SocketEvents,
): OpenedSocket {
  const socket = new Impl(url);
  let ended = false;
  const end = (value: SocketEnd) => {
    if (ended) return;
    ended = true;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    events.end(value);
  };
  socket.onopen = () => events.open();
  socket.onmessage = (event: { data: unknown }) => {
    if (typeof event.data === "string") events.text(event.data);
  };
  socket.onclose = (event: { code: number; reason: string }) =>
    end({ code: event.code, reason: event.reason });
  socket.onerror = () => {
    /* a close event follows */
  };
  return {
    send(text) {
      if (ended || socket.readyState !== OPEN) return false;
      socket.send(text);
      return true;
    },
    close(code, reason) {
      try {
        socket.close(code, reason);
      } finally {
        end({ code, reason });
      }
    },
  };
}

/** The parts of the `ws` package the client uses. */
interface WsSocket {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: "open", listener: () => void): void;
  on(event: "message", listener: (data: { toString(): string }, isBinary: boolean) => void): void;
  on(event: "close", listener: (code: number, reason: { toString(): string }) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "ping" | "pong", listener: () => void): void;
  on(
    event: "unexpected-response",
    listener: (
      request: { destroy(): void; socket?: { destroy(): void } | null },
      response: AsyncIterable<unknown> & {
        statusCode?: number;
        headers: Record<string, string | string[] | undefined>;
        resume(): void;
        destroy(): void;
      },
    ) => void,
  ): void;
}
type WsConstructor = new (
  url: string,
  options: { headers: Record<string, string>; maxPayload?: number; handshakeTimeout?: number },
) => WsSocket;

let wsModule: Promise<WsConstructor> | undefined;

/** Loads the `ws` package (an optional peer dependency, needed in Node.js only). */
export function loadWs(): Promise<WsConstructor> {
  wsModule ??= import("ws").then(
    (module) => (module as unknown as { default: WsConstructor }).default,
    (cause: unknown) => {
      wsModule = undefined;
      throw new PaddockError(
        "network",
        "Le paquet `ws` est nécessaire dans Node.js : npm install ws",
        { cause },
      );
    },
  );
  return wsModule;
}

/**
 * Opens a socket with the `ws` package, sending the session cookie and the `Origin`. A
 * refused upgrade (401, 403, 429, 503) ends with the server's error; a connection that
 * hears nothing, not even the server's pings, for `silenceMs` is dropped.
 */
export function openNodeSocket(
  Ws: WsConstructor,
  url: string,
  headers: Record<string, string>,
  silenceMs: number,
  events: SocketEvents,
): OpenedSocket {
  const socket = new Ws(url, { headers, maxPayload: 1 << 20, handshakeTimeout: 10_000 });
  let ended = false;
  let heard = Date.now();
  const watchdog = setInterval(() => {
    if (Date.now() - heard > silenceMs) {
      socket.terminate();
      end({ code: ABNORMAL_CLOSURE, reason: "silence" });
    }
  }, Math.max(250, Math.floor(silenceMs / 4)));
  (watchdog as { unref?: () => void }).unref?.();
  const end = (value: SocketEnd) => {
    if (ended) return;
    ended = true;
    clearInterval(watchdog);
    events.end(value);
  };
  socket.on("open", () => {
    heard = Date.now();
    events.open();
  });
  socket.on("message", (data, isBinary) => {
    heard = Date.now();
    if (!isBinary) events.text(data.toString());
  });
  socket.on("ping", () => {
    heard = Date.now();
  });
  socket.on("pong", () => {
    heard = Date.now();
  });
  socket.on("close", (code, reason) => end({ code, reason: reason.toString() }));
  socket.on("error", () => {
    if (socket.readyState !== OPEN) end({ code: ABNORMAL_CLOSURE, reason: "error" });
  });
  socket.on("unexpected-response", (request, response) => {
    const status = response.statusCode ?? 0;
    const retryAfter = response.headers["retry-after"];
    void readBody(response).then((text) => {
      // The refusal's connection is not a socket's: close it, or it would stay open.
      const connection = request.socket;
      response.destroy();
      request.destroy();
      connection?.destroy();
      end({
        code: ABNORMAL_CLOSURE,
        reason: `HTTP ${status}`,
        refused: errorOfRefusal(status, text, typeof retryAfter === "string" ? retryAfter : null),
      });
    });
  });
  return {
    send(text) {
      if (ended || socket.readyState !== OPEN) return false;
      socket.send(text);
      return true;
    },
    close(code, reason) {
      try {
        if (socket.readyState === OPEN) socket.close(code, reason);
        else socket.terminate();
      } finally {
        end({ code, reason });
      }
    },
  };
}

async function readBody(response: AsyncIterable<unknown>): Promise<string> {
  let text = "";
  try {
    for await (const chunk of response) {
      text += String(chunk);
      if (text.length > 4096) break;
    }
  } catch {
    /* the refusal's status is enough */
  }
  return text;
}
