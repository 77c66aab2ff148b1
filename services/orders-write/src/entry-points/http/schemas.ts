import { z } from 'zod';
import { MAX_INT } from '@store/contracts';
import { idSchema } from '@store/service-kit';
import { hasAtMostTwoDecimals } from '../../domain/money';

/** Request shapes of the write side's routes (docs/api/openapi.yaml); every rule lives here so the 400 details name the field. */
export const createUserBody = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(150),
});

export const MAX_PRICE = 99_999_999.99;

export const createProductBody = z.object({
  name: z.string().trim().min(1).max(150),
  sku: z.string().trim().min(1).max(64),
  price: z
    .number()
    .positive()
    .max(MAX_PRICE)
    .refine(hasAtMostTwoDecimals, { message: 'price must have at most 2 decimals' }),
});

export const setStockBody = z.object({
  product_id: idSchema,
  quantity: z.number().int().min(0).max(MAX_INT),
});

export const createOrderBody = z.object({
  user_id: idSchema,
  items: z
    .array(z.object({ product_id: idSchema, quantity: z.number().int().min(1).max(1000) }))
    .min(1)
    .max(100),
});

export const idempotencyKeyHeader = z.string().min(1).max(128).optional();

const queryId = z.coerce.number().pipe(idSchema);

export const listOrdersQuery = z.object({
  user_id: queryId.optional(),
  after: queryId.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const graphqlBody = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});
