import { z } from 'zod';

const positiveId = z.number().int().positive();
const cents = z.number().int().nonnegative();

export const orderItemDataSchema = z.object({
  product_id: positiveId,
  product_name: z.string(),
  quantity: z.number().int().positive(),
  unit_price_cents: cents,
});

/** The data of OrderCreated, repeated verbatim in OrderDeleted so a consumer can undo it without a lookup. */
export const orderDataSchema = z.object({
  order_id: positiveId,
  user_id: positiveId,
  user_name: z.string(),
  total_cents: cents,
  items: z.array(orderItemDataSchema).min(1),
});

const envelope = {
  event_id: z.uuid(),
  version: z.literal(1),
  sequence: z.number().int().positive(),
  occurred_at: z.iso.datetime({ offset: true }),
  traceparent: z.string().optional(),
  data: orderDataSchema,
};

export const orderCreatedSchema = z.object({ ...envelope, type: z.literal('OrderCreated') });
export const orderDeletedSchema = z.object({ ...envelope, type: z.literal('OrderDeleted') });
export const storeEventSchema = z.discriminatedUnion('type', [orderCreatedSchema, orderDeletedSchema]);

export type OrderItemData = z.infer<typeof orderItemDataSchema>;
export type OrderData = z.infer<typeof orderDataSchema>;
export type OrderCreated = z.infer<typeof orderCreatedSchema>;
export type OrderDeleted = z.infer<typeof orderDeletedSchema>;
export type StoreEvent = z.infer<typeof storeEventSchema>;
export type StoreEventType = StoreEvent['type'];
export const EVENT_VERSION = 1;
