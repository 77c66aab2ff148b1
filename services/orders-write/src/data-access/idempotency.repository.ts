import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { parseJsonColumn } from '@store/service-kit';
import { IdempotencyKeyTakenError } from '../domain/errors';
import type { IdempotencyKeys, StoredResponse } from '../domain/ports';
import type { EntityManager } from './orm';
import { IdempotencyRecord } from './entities';

export class IdempotencyRepository implements IdempotencyKeys {
  constructor(private readonly em: EntityManager) {}

  async find(key: string): Promise<StoredResponse | null> {
    const [row] = await this.em.execute<
      { request_hash: string; status_code: number; response_body: unknown }[]
    >('select request_hash, status_code, response_body from idempotency_keys where idempotency_key = ?', [
      key,
    ]);
    if (!row) return null;
    const body = parseJsonColumn(row.response_body);
    return { requestHash: row.request_hash, statusCode: row.status_code, body };
  }

  /** Throws IdempotencyKeyTakenError when a concurrent request with the same key committed first. */
  async save(key: string, response: StoredResponse, now: Date): Promise<void> {
    try {
      await this.em.insert(IdempotencyRecord, {
        key,
        requestHash: response.requestHash,
        statusCode: response.statusCode,
        responseBody: response.body,
        createdAt: now,
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new IdempotencyKeyTakenError(key);
      throw error;
    }
  }
}
