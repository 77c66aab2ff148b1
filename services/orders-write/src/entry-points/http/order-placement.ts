import { AppError } from '@store/service-kit';
import { activeSpan, activeTraceparent } from '@store/observability';
import { BATCH_SIZE_ATTRIBUTE } from '../../data-access/order-batch.telemetry';
import { orderError } from '../../domain/errors';
import type { OrderBatcher } from '../../domain/group-commit';
import {
  placeOrder,
  type PlaceOrderCommand,
  type PlaceOrderDeps,
  type PlaceOrderResult,
} from '../../domain/place-order.use-case';

/** The one way POST /orders places an order; which path it takes is decided once, when the app is built. */
export type PlaceOrderPort = (command: PlaceOrderCommand) => Promise<PlaceOrderResult>;

/**
 * Through the group commit when it runs (ORDER_BATCHING on, PRODUCT_LOOKUP batched), else the per-order path
 * (the lab's experiments compare the two).
 */
export function orderPlacement(deps: PlaceOrderDeps, batcher: OrderBatcher | undefined): PlaceOrderPort {
  return batcher ? (command) => placeInBatch(batcher, command) : (command) => placeOrder(deps, command);
}

/** Through the group commit: the order waits in the queue, then gets its own answer after its batch's COMMIT. */
async function placeInBatch(batcher: OrderBatcher, command: PlaceOrderCommand): Promise<PlaceOrderResult> {
  // Captured now, in the request's context: the batch runs in a trace of its own.
  const { answer, batchSize } = await batcher.place(command, activeTraceparent() ?? null);
  activeSpan()?.setAttribute(BATCH_SIZE_ATTRIBUTE, batchSize);
  if (!answer.placed) {
    const { code, message, details } = answer.refusal;
    throw code === 'UNAVAILABLE' ? new AppError(code, message, details) : orderError(code, message, details);
  }
  return answer;
}
