import { runLoad } from './http-load';
import { writeResults } from './results';
import { round } from './stats';

/*
 * Cached report reads per second. TARGETS is a comma list of name=url (default: reports-read on :5101); every
 * target gets the same load: CONNECTIONS keep-alive connections of one pool for DURATION_S seconds, after one
 * warm-up request so the cache is filled. Run it against the gateway with GATEWAY_CACHE on and off to compare.
 *   npm run bench:report-reads -w load
 *   TARGETS=gateway=http://127.0.0.1:8080,direct=http://127.0.0.1:5101 npm run bench:report-reads -w load
 */
const settings = {
  targets: (process.env.TARGETS ?? 'reports-read=http://127.0.0.1:5101')
    .split(',')
    .map((entry) => entry.split('=') as [string, string]),
  path: process.env.REPORT_PATH ?? '/orders/reports/highest-spenders?limit=10',
  connections: Number(process.env.CONNECTIONS ?? 10),
  durationSeconds: Number(process.env.DURATION_S ?? 10),
};

async function main(): Promise<void> {
  const rows = [];
  const details: Record<string, unknown> = {};
  for (const [name, url] of settings.targets) {
    await fetch(`${url}${settings.path}`).then((response) => response.text());
    const result = await runLoad({
      url,
      path: settings.path,
      connections: settings.connections,
      durationMs: settings.durationSeconds * 1000,
      countHeader: process.env.COUNT_HEADER ?? 'x-cache',
    });
    details[name] = result;
    rows.push({
      target: name,
      'req/s': round(result.perSecond, 0),
      'p50 ms': round(result.latencyMs.p50, 2),
      'p99 ms': round(result.latencyMs.p99, 2),
      'non-200': result.requests - (result.statuses['200'] ?? 0) + result.errors,
      [process.env.COUNT_HEADER ?? 'x-cache']: JSON.stringify(result.headerValues),
    });
  }
  writeResults('report-reads', settings, rows, details);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
