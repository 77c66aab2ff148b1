import type { Pool, RowDataPacket } from 'mysql2/promise';
import { AppError } from '@store/service-kit';
import type { ReportName, ReportSource } from '../domain/report';

/*
 * Money is summed in SQL as exact DECIMAL and turned into integer cents there, so both sources rank on the
 * same integers and render through the same code. u.name / p.name are in GROUP BY only to satisfy
 * ONLY_FULL_GROUP_BY (they depend on the primary key). Ordering and LIMIT match the domain's tie-break.
 */
const QUERIES: Record<ReportName, string> = {
  'highest-spenders': `
    SELECT o.user_id AS id, u.name AS name, CAST(SUM(o.total_amount) * 100 AS SIGNED) AS score
    FROM orders o JOIN users u ON u.id = o.user_id
    GROUP BY o.user_id, u.name
    HAVING score > 0
    ORDER BY score DESC, id ASC
    LIMIT ?`,
  'best-sellers': `
    SELECT oi.product_id AS id, p.name AS name, CAST(SUM(oi.quantity) AS SIGNED) AS score
    FROM order_items oi JOIN products p ON p.id = oi.product_id
    GROUP BY oi.product_id, p.name
    HAVING score > 0
    ORDER BY score DESC, id ASC
    LIMIT ?`,
};

interface ScoreRow extends RowDataPacket {
  id: number;
  name: string;
  score: number | string;
}

/** The comparison mode: the same reports straight from the source of truth with GROUP BY. */
export function createMysqlReportsRepository(pool: Pool): ReportSource {
  return {
    name: 'mysql',
    async candidates(report, limit) {
      const [rows] = await pool.query<ScoreRow[]>(QUERIES[report], [limit]).catch((error: unknown) => {
        throw mysqlFailure(error);
      });
      return {
        candidates: rows.map((row) => ({ id: Number(row.id), name: row.name, score: Number(row.score) })),
        // MySQL is the source of truth, so the answer includes everything committed when the query ran: its
        // data is as of the query time. The newest order's created_at would ignore deletions since then.
        dataAsOf: new Date().toISOString(),
      };
    },
  };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
]);

/** Connection problems become 503 UNAVAILABLE; an SQL error stays a bug (500). */
export function mysqlFailure(error: unknown): Error {
  const { code, fatal } = (error ?? {}) as { code?: string; fatal?: boolean };
  if (fatal === true || (code !== undefined && CONNECTION_CODES.has(code))) {
    return Object.assign(new AppError('UNAVAILABLE', 'the order database (MySQL) is unavailable'), {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
