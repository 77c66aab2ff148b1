import { randomUUID } from 'node:crypto';
import { ROUTING_KEYS, type OrderCreated, type StoreEvent } from '@store/contracts';
import { declareTopology, type ConfirmPublisher, type Topology, type TopologyOptions } from '../src';
import { BrokerAdmin, uniqueName } from './helpers';

let sequence = 0;

export function orderCreated(): OrderCreated {
  sequence += 1;
  return {
    event_id: randomUUID(),
    type: 'OrderCreated',
    version: 1,
    sequence,
    occurred_at: new Date().toISOString(),
    data: {
      order_id: sequence,
      user_id: 1,
      user_name: 'Ada',
      total_cents: 1_250,
      items: [{ product_id: 7, product_name: 'Pen', quantity: 5, unit_price_cents: 250 }],
    },
  };
}

/** A whole topology owned by one test: unique exchanges and queues, deleted by admin.close(). */
export async function ownTopology(
  admin: BrokerAdmin,
  options: Pick<TopologyOptions, 'deliveryLimit'> = {},
): Promise<Topology> {
  const topology = await declareTopology(admin.channel, {
    exchange: uniqueName('events'),
    deadLetterExchange: uniqueName('events.dlx'),
    queue: uniqueName('projector'),
    deadLetterQueue: uniqueName('projector.dead-letter'),
    ...options,
  });
  admin.own({
    queues: [topology.queue, topology.deadLetterQueue],
    exchanges: [topology.exchange, topology.deadLetterExchange],
  });
  return topology;
}

export function publishEvent(
  publisher: ConfirmPublisher,
  topology: Topology,
  event: StoreEvent,
): Promise<void> {
  return publisher.publish(topology.exchange, ROUTING_KEYS[event.type], Buffer.from(JSON.stringify(event)), {
    messageId: event.event_id,
    type: event.type,
  });
}
