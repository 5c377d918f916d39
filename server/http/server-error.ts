/** A refusal the server answers with: an HTTP status, a stable code, words that name the cause. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** For a 429: when to try again. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}
