import { z } from 'zod';

/*
 * What the reports should say, as SQL over orders-write's tables (the source of truth), declared once: the
 * projector's reconciliation, reports-read's MySQL mode (and its fallback) and the tests all use these.
 * - spend per user: the exact DECIMAL orders.total_amount summed and turned into integer cents by MySQL (never
 *   by a float), the same integers the projection keeps;
 * - units per product: order_items.quantity summed.
 * Deleted orders are deleted rows (with their items), so they count nowhere.
 */
const USER_SPEND = 'CAST(SUM(o.total_amount) * 100 AS SIGNED)';
const PRODUCT_UNITS = 'CAST(SUM(oi.quantity) AS SIGNED)';

export const TOTALS_SQL = {
  userSpend: {
    /** rows `id, total` for every user with orders */
    all: `SELECT o.user_id AS id, ${USER_SPEND} AS total FROM orders o GROUP BY o.user_id`,
    /** the same for the users listed in the one parameter (an array: mysql2 expands it) */
    listed: `SELECT o.user_id AS id, ${USER_SPEND} AS total FROM orders o WHERE o.user_id IN (?) GROUP BY o.user_id`,
    /** the same over the orders committed in the last N seconds (the one parameter), by MySQL's clock */
    since: `SELECT o.user_id AS id, ${USER_SPEND} AS total FROM orders o
      WHERE o.created_at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND GROUP BY o.user_id`,
    /**
     * rows `id, name, total`, ranked as the report ranks (total descending, then id), members above 0 only;
     * one parameter: the limit. u.name is in GROUP BY for ONLY_FULL_GROUP_BY (it depends on the key).
     */
    top: `SELECT o.user_id AS id, u.name AS name, ${USER_SPEND} AS total
      FROM orders o JOIN users u ON u.id = o.user_id
      GROUP BY o.user_id, u.name HAVING total > 0 ORDER BY total DESC, id ASC LIMIT ?`,
  },
  productUnits: {
    all: `SELECT oi.product_id AS id, ${PRODUCT_UNITS} AS total FROM order_items oi GROUP BY oi.product_id`,
    listed: `SELECT oi.product_id AS id, ${PRODUCT_UNITS} AS total FROM order_items oi WHERE oi.product_id IN (?) GROUP BY oi.product_id`,
    top: `SELECT oi.product_id AS id, p.name AS name, ${PRODUCT_UNITS} AS total
      FROM order_items oi JOIN products p ON p.id = oi.product_id
      GROUP BY oi.product_id, p.name HAVING total > 0 ORDER BY total DESC, id ASC LIMIT ?`,
  },
} as const;

export type TotalsKind = keyof typeof TOTALS_SQL;

/** A row of `all` / `listed` (BIGINT may come back as text, hence the coercion). */
export const totalsRowSchema = z.object({ id: z.coerce.number().int(), total: z.coerce.number().int() });
/** A row of `top`. */
export const rankedTotalsRowSchema = totalsRowSchema.extend({ name: z.string() });

export type TotalsRow = z.infer<typeof totalsRowSchema>;
export type RankedTotalsRow = z.infer<typeof rankedTotalsRowSchema>;
