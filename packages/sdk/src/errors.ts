/**
 * The errors the client throws. Every one is a `SwitchboardError`; the hub's answers carry its status and
 * `error.code`, while failures to reach it are the two subclasses, so they can be told apart.
 */

/** The hub answered with an error (or with something that is not its envelope). */
export class SwitchboardError extends Error {
  override name = 'SwitchboardError';
  /** The HTTP status; 0 when no answer came (see the subclasses). */
  readonly status: number;
  /** The hub's `error.code` (`not_owner`, `rate_limited`, …), or `network_error`, `timeout`, `invalid_response`. */
  readonly code: string;
  /** The hub's `error.details`, when it sent any. */
  readonly details: unknown;
  /** The hub's `X-Request-Id`, to find the request in its logs. */
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, extra: { details?: unknown; requestId?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.status = status;
    this.code = code;
    this.details = extra.details;
    this.requestId = extra.requestId;
  }
}

/** The hub could not be reached (refused, reset, DNS, TLS …); `cause` has the underlying error. */
export class SwitchboardNetworkError extends SwitchboardError {
  override name = 'SwitchboardNetworkError';
  constructor(message: string, cause: unknown) {
    super(0, 'network_error', message, { cause });
  }
}

/** The hub did not answer within the client's `timeoutMs`. */
export class SwitchboardTimeoutError extends SwitchboardError {
  override name = 'SwitchboardTimeoutError';
  /** The time limit that was exceeded. */
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super(0, 'timeout', message);
    this.timeoutMs = timeoutMs;
  }
}
