/** Broker topology shared by the relay (publisher) and the projector (consumer). */
export const EXCHANGE = 'store.events';
export const DEAD_LETTER_EXCHANGE = 'store.events.dlx';
export const PROJECTOR_QUEUE = 'projector.orders';
export const DEAD_LETTER_QUEUE = 'projector.orders.dead-letter';
/** The settings that name and bound the projector's queue, as a failed declaration's advice names them. */
export const PROJECTOR_QUEUE_SETTINGS = {
  queue: 'PROJECTOR_QUEUE',
  deliveryLimit: 'PROJECTOR_DELIVERY_LIMIT',
  guide: 'docs/scaling.md, "Migrating the projector queue"',
};

export const ROUTING_KEYS = {
  OrderCreated: 'order.created',
  OrderDeleted: 'order.deleted',
} as const;

/** Header that carries why a message was dead-lettered. */
export const DEAD_LETTER_REASON_HEADER = 'x-dead-letter-reason';
