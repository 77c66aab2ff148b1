import type { Pool, RowDataPacket } from 'mysql2/promise';
import { TOTALS_SQL, rankedTotalsRowSchema } from '@store/contracts';
import { AppError, isMysqlUnavailable } from '@store/service-kit';
import type { ReportName, ReportSource } from '../domain/report';

/* The totals queries are the contract's (@store/contracts): the same integers the projection ranks on. */
const QUERIES: Record<ReportName, string> = {
  'highest-spenders': TOTALS_SQL.userSpend.top,
  'best-sellers': TOTALS_SQL.productUnits.top,
};

/** The comparison mode: the same reports straight from the source of truth with GROUP BY. */
export function createMysqlReportsRepository(pool: Pool): ReportSource {
  return {
    name: 'mysql',
    async candidates(report, limit) {
      const [rows] = await pool.query<RowDataPacket[]>(QUERIES[report], [limit]).catch((error: unknown) => {
        throw mysqlFailure(error);
      });
      return {
        candidates: rows.map((row) => {
          const { id, name, total } = rankedTotalsRowSchema.parse(row);
          return { id, name, score: total };
        }),
        // MySQL is the source of truth, so the answer includes everything committed when the query ran: its
        // data is as of the query time. The newest order's created_at would ignore deletions since then.
        dataAsOf: new Date().toISOString(),
      };
    },
  };
}

/** Connection problems become 503 UNAVAILABLE; an SQL error stays a bug (500). */
export function mysqlFailure(error: unknown): Error {
  if (isMysqlUnavailable(error)) {
    return Object.assign(new AppError('UNAVAILABLE', 'the order database (MySQL) is unavailable'), {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
