/**
 * What went wrong talking to a TAXII server, as one error class whose message names the method,
 * the URL and the status, and whose `kind` says whether trying again can help.
 */

export type TaxiiFailure =
  /** Our side: a missing secret, a bad URL. Never retried. */
  | 'config'
  /** Connection refused, reset, dropped mid-answer. Retried. */
  | 'network'
  /** No complete answer within the timeout. Retried. */
  | 'timeout'
  /** An HTTP status that is not success; retried for 408, 429 and 5xx. */
  | 'status'
  /** A success answer that is not TAXII 2.1 JSON (a proxy's HTML page, plain JSON). */
  | 'media-type'
  /** TAXII JSON that breaks the protocol (unreadable, `more` with no way to go on). */
  | 'protocol'
  /** Stopped by the caller (shutdown). */
  | 'aborted';

export class TaxiiError extends Error {
  constructor(
    readonly kind: TaxiiFailure,
    message: string,
    readonly url?: string,
    readonly status?: number,
    /** Milliseconds the server asked us to wait (Retry-After), when it did. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TaxiiError';
  }

  /** Whether another try of the same request can succeed. */
  get retryable(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout') return true;
    if (this.kind !== 'status' || this.status === undefined) return false;
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
