import type { AppError, ErrorCode } from "./generated/protocol.js";

/**
 * Codes of failures seen by the client itself, beside the server's {@link ErrorCode}s:
 * - `incompatible_server`: the server speaks another protocol version (update the package);
 * - `disconnected`: the connection dropped before the server answered (try again: posts are
 *   retried by themselves and never reach this);
 * - `session_ended`: logged out, expired or ended elsewhere (log in again);
 * - `closed`: {@link PaddockClient.close} was called;
 * - `timeout`: no answer within `requestTimeoutMs`;
 * - `network`: the server could not be reached;
 * - `bad_response`: the server answered something that is not Paddock's.
 */
export type ClientErrorCode =
  | "incompatible_server"
  | "disconnected"
  | "session_ended"
  | "closed"
  | "timeout"
  | "network"
  | "bad_response";

/** Every failure of the client: a stable `code` for programs and a French `message` for people. */
export class PaddockError extends Error {
  override readonly name = "PaddockError";
  readonly code: ErrorCode | ClientErrorCode;
  /** The HTTP status, when the failure came from an HTTP answer. */
  readonly status: number | undefined;
  /** Seconds to wait before trying again (`rate_limited`, `overloaded`, `unavailable`). */
  readonly retryAfterSecs: number | undefined;

  constructor(
    code: ErrorCode | ClientErrorCode,
    message: string,
    options: { status?: number; retryAfterSecs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryAfterSecs = options.retryAfterSecs;
  }

  /** The error of a server's `AppError` answer. */
  static fromServer(error: AppError, status?: number): PaddockError {
    return new PaddockError(error.code, error.message, {
      ...(status === undefined ? {} : { status }),
      ...(error.retry_after_secs == null ? {} : { retryAfterSecs: error.retry_after_secs }),
    });
  }
}

/** Whether `value` has the shape of a server's `AppError`. */
export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AppError).code === "string" &&
    typeof (value as AppError).message === "string"
  );
}

/** Whether `error` says the session is over (log in again), whoever reported it. */
export function endsSession(error: PaddockError | undefined): boolean {
  return (
    error?.code === "session_ended" ||
    error?.code === "unauthenticated" ||
    error?.code === "session_expired"
  );
}

/** Whether `error` means the server will never accept this client as it is. */
export function isFinalRefusal(error: PaddockError | undefined): boolean {
  return error?.code === "cross_site_request" || error?.code === "forbidden";
}

export const messages = {
  incompatible: (server: number, client: number) =>
    `Ce serveur Paddock parle la version ${server} du protocole, ce client la version ${client} : mettez à jour @paddock/client.`,
  disconnected: "La connexion a été perdue avant la réponse du serveur : réessayez.",
  sessionEnded: "Votre session est terminée : reconnectez-vous.",
  closed: "Le client Paddock a été fermé.",
  timeout: "Le serveur n’a pas répondu à temps.",
  network: "Impossible de joindre le serveur Paddock.",
  badResponse: "Réponse inattendue du serveur.",
  originRefused:
    "Origine refusée : le serveur n’accepte que ses propres origines (option `origin`).",
} as const;
