/** Error codes of the API contract (docs/api/openapi.yaml, schema ErrorCode) and the status each one answers. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_ID: 400,
  NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  EMAIL_TAKEN: 409,
  INSUFFICIENT_STOCK: 409,
  PRODUCT_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNKNOWN_USER: 422,
  UNKNOWN_PRODUCT: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: string;
  code: ErrorCode;
  details?: unknown[];
}

/** An error that the HTTP layer turns into the contract's error shape. Domain code throws these. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown[],
    /** The underlying error, for the log (never sent to the client). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { error: this.message, code: this.code }
      : { error: this.message, code: this.code, details: this.details };
  }
}

export const notFound = (what: string, id: number | string): AppError =>
  new AppError('NOT_FOUND', `${what} ${id} not found`);
