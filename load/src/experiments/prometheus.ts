import { request } from 'undici';

/*
 * The lab's activity 4 graphs (orders_total, highest_spenders_total, best_sellers_total and their rates), taken
 * from the run's own Prometheus through its query API, for the report's charts: the same figures its graph page
 * shows, without a browser.
 */

export interface PromPoint {
  /** Epoch ms. */
  at: number;
  value: number;
}

export interface PromSeries {
  query: string;
  /** What the chart calls it. */
  name: string;
  kind: 'total' | 'rate';
  points: PromPoint[];
}

const COUNTERS = ['orders_total', 'highest_spenders_total', 'best_sellers_total'] as const;

export const PROM_QUERIES: readonly Omit<PromSeries, 'points'>[] = COUNTERS.flatMap((counter) => [
  { query: `sum(${counter})`, name: counter, kind: 'total' as const },
  { query: `sum(rate(${counter}[5s]))`, name: `rate(${counter})`, kind: 'rate' as const },
]);

/** The points of a query_range answer (one series: the queries sum over every replica). */
export function parseMatrix(body: unknown): PromPoint[] {
  const answer = body as { status?: string; data?: { result?: { values?: [number, string][] }[] } };
  if (answer.status !== 'success') return [];
  return (answer.data?.result?.[0]?.values ?? [])
    .map(([seconds, value]) => ({ at: Math.round(seconds * 1000), value: Number(value) }))
    .filter((point) => Number.isFinite(point.value));
}

async function getJson(url: string): Promise<unknown> {
  const response = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const body = await response.body.json();
  if (response.statusCode !== 200) throw new Error(`Prometheus answered ${response.statusCode} to ${url}`);
  return body;
}

/** Whether Prometheus has scraped orders-write after `atMs` (its last sample of orders_total is that recent). */
async function scrapedAfter(prometheusUrl: string, atMs: number): Promise<boolean> {
  const body = await getJson(
    `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('max(timestamp(orders_total))')}`,
  );
  const value = (body as { data?: { result?: { value?: [number, string] }[] } }).data?.result?.[0]?.value;
  return value !== undefined && Number(value[1]) * 1000 >= atMs;
}

/**
 * Every series over [startMs, endMs] at one point a second; waits (up to 15 scrape-long polls) until Prometheus
 * has scraped past the end, so the last second of the run is in the graph.
 */
export async function capturePrometheus(
  prometheusUrl: string,
  startMs: number,
  endMs: number,
  waitForScrape: () => Promise<void>,
): Promise<PromSeries[]> {
  for (let attempt = 0; attempt < 15 && !(await scrapedAfter(prometheusUrl, endMs)); attempt++)
    await waitForScrape();
  const range = `start=${startMs / 1000}&end=${endMs / 1000}&step=1`;
  return Promise.all(
    PROM_QUERIES.map(async (series) => ({
      ...series,
      points: parseMatrix(
        await getJson(
          `${prometheusUrl}/api/v1/query_range?query=${encodeURIComponent(series.query)}&${range}`,
        ),
      ),
    })),
  );
}
