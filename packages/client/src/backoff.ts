/**
 * Milliseconds to wait before reconnection attempt `attempt` (0-based): exponential from
 * `minMs`, capped at `maxMs`, with "equal jitter" so that clients that lost the server
 * together do not come back together. The Paddock browser client uses the same rule.
 */
export function backoffMillis(
  attempt: number,
  random: number = Math.random(),
  minMs = 500,
  maxMs = 30_000,
): number {
  const ceiling = Math.min(minMs * 2 ** Math.min(attempt, 16), maxMs);
  const half = ceiling / 2;
  return Math.floor(half + half * Math.min(Math.max(random, 0), 1));
}

/** The wait before reconnection attempt `attempt`: the backoff, or longer if the server said so. */
export function reconnectDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  retryAfterSecs: number | undefined,
): number {
  return Math.max(backoffMillis(attempt, Math.random(), minMs, maxMs), (retryAfterSecs ?? 0) * 1000);
}
