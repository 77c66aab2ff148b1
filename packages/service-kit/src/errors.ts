/**
 * The error codes every service can answer (docs/api/openapi.yaml, schema ErrorCode) and the status of each. A
 * service's own codes are declared by that service with `serviceErrors`.
 */
export const COMMON_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_ID: 400,
  NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type CommonErrorCode = keyof typeof COMMON_ERROR_STATUS;

export interface ErrorBody {
  error: string;
  code: string;
  details?: unknown[];
}

/** An error that the HTTP layer turns into the contract's error shape. Domain code throws these. */
export class AppError extends Error {
  readonly status: number;

  /** A common code takes its status from COMMON_ERROR_STATUS; a service's own code comes with its status. */
  constructor(code: CommonErrorCode, message: string, details?: unknown[], options?: { cause?: unknown });
  constructor(
    code: string,
    message: string,
    details: unknown[] | undefined,
    options: { cause?: unknown; status: number },
  );
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown[],
    /** cause: the underlying error, for the log (never sent to the client). */
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = options?.status ?? COMMON_ERROR_STATUS[code as CommonErrorCode];
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { error: this.message, code: this.code }
      : { error: this.message, code: this.code, details: this.details };
  }
}

/**
 * A service's own error codes with their status, as a factory of AppErrors: `const shopError =
 * serviceErrors({ OUT_OF_PAPER: 409 })` then `shopError('OUT_OF_PAPER', 'no paper')`. The codes stay the service's.
 */
export function serviceErrors<Code extends string>(statuses: Readonly<Record<Code, number>>) {
  return (code: Code, message: string, details?: unknown[], options?: { cause?: unknown }): AppError =>
    new AppError(code, message, details, { ...options, status: statuses[code] });
}

export const notFound = (what: string, id: number | string): AppError =>
  new AppError('NOT_FOUND', `${what} ${id} not found`);
