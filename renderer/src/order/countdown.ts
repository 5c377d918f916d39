/**
 * The payment window is counted on the main process clock (till.status `now`), so a
 * renderer clock that is off does not shorten or stretch it on screen.
 */

/** main clock − screen clock, taking the reply's time as the middle of the round trip. */
export function clockOffset(serverNow: number, sentAt: number, receivedAt: number): number {
  return Math.round(serverNow - (sentAt + receivedAt) / 2);
}

export function remainingMs(payDeadline: number, localNow: number, offsetMs: number): number {
  return Math.max(0, payDeadline - (localNow + offsetMs));
}

/** 125_000 → "2:05"; rounds up so "0:00" shows only when the window has closed. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}
