import { z } from 'zod';
import { trace } from '@opentelemetry/api';
import { MAX_ID } from '@store/contracts';
import { tracer } from '@store/observability';
import { AppError } from './errors';

export interface FieldProblem {
  path: string;
  reason: string;
}

export function describeIssues(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    reason: issue.message,
  }));
}

/**
 * Parses `value` with `schema` or throws 400 VALIDATION_FAILED listing every bad field. A span of its own, so a
 * trace shows what validation costs beside the handler's other work.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'request'): z.infer<S> {
  // Only inside a traced request: a root span per validation would be a trace of its own.
  const span = trace.getActiveSpan() ? tracer().startSpan(`validate ${what}`) : undefined;
  const result = schema.safeParse(value);
  span?.end();
  if (!result.success) {
    throw new AppError('VALIDATION_FAILED', `invalid ${what}`, describeIssues(result.error));
  }
  return result.data;
}

/** Path ids are positive integers up to 2^31-1 written in plain decimal; anything else is 400 INVALID_ID. */
export function parseId(raw: unknown, name = 'id'): number {
  if (typeof raw === 'string' && /^[1-9][0-9]{0,9}$/.test(raw)) {
    const id = Number(raw);
    if (id <= MAX_ID) return id;
  }
  throw new AppError('INVALID_ID', `${name} must be a positive integer not above ${MAX_ID}`, [
    { path: name, reason: `got ${JSON.stringify(raw)}` },
  ]);
}

/** zod schema for an id inside a JSON body: an integer in 1..2^31-1 (floats and strings rejected). */
export const idSchema = z.number().int().min(1).max(MAX_ID);
