import { randomUUID } from 'node:crypto';

/** Data every test owns: unique per call, so tests never depend on what other tests left behind. */
export const uniqueSuffix = (): string => randomUUID().slice(0, 12);
export const uniqueEmail = (prefix = 'user'): string => `${prefix}-${uniqueSuffix()}@example.test`;
export const uniqueSku = (prefix = 'SKU'): string => `${prefix}-${uniqueSuffix()}`;
export const uniqueName = (prefix: string): string => `${prefix}-${uniqueSuffix()}`;
