import type { ReportView } from '../conservation';
import { GATEWAY_URL, REPORT_TTL_SECONDS } from '../settings';
import { sleep } from '../stack/processes';

/* The reports as the clients get them: through the chaos stack's gateway. */

/**
 * A report as the clients get it (through the gateway), freshly computed: the cache lives REPORT_TTL_SECONDS,
 * so an answer served from it (X-Cache: HIT) is read again after that long, a few times at most.
 */
export async function readReport(
  report: 'highest-spenders' | 'best-sellers',
  limit: number,
): Promise<ReportView> {
  let last: ReportView = { error: 'not read' };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) await sleep(REPORT_TTL_SECONDS * 1000 + 200);
    const answer = await fetchReport(report, limit);
    if ('error' in answer) {
      last = answer;
      continue;
    }
    last = { entries: answer.entries };
    if (answer.cache === 'MISS') return last;
  }
  return last;
}

export interface ReportAnswer {
  entries: [number, number][];
  cache: string | null;
  source: string | null;
}

/** One GET of a report: its entries as [id, cents or units], or why there were none. */
export async function fetchReport(
  report: 'highest-spenders' | 'best-sellers',
  limit: number,
): Promise<ReportAnswer | { error: string }> {
  try {
    const response = await fetch(`${GATEWAY_URL}/orders/reports/${report}?limit=${limit}`, {
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status !== 200) {
      const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
      return { error: `${response.status}${code ? ` ${code}` : ''}` };
    }
    const body = JSON.parse(text) as Record<string, number>[];
    const entries: [number, number][] = body.map((row) =>
      report === 'highest-spenders'
        ? [row.user_id!, Math.round(row.total_expense! * 100)]
        : [row.product_id!, row.quantity_sold!],
    );
    return {
      entries,
      cache: response.headers.get('x-cache'),
      source: response.headers.get('x-report-source'),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
}
