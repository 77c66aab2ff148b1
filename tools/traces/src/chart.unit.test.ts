import { join } from 'node:path';
import { breakdown } from './breakdown';
import { chartSpec, renderSvg } from './chart';
import { readGatewayLog, readTraceFiles } from './sources/files';

const fixtures = join(__dirname, '../test/fixtures');
const operations = breakdown(
  readTraceFiles([join(fixtures, 'otlp-traces.jsonl')]),
  readGatewayLog(join(fixtures, 'nginx-access.jsonl')),
);

describe('chart', () => {
  test('When the breakdown is charted, then the SVG has one bar per operation with traces, stacked by stage', async () => {
    const svg = await renderSvg(chartSpec(operations));

    expect(svg.startsWith('<svg')).toBe(true);
    // One row label per operation that has traces (best-sellers has none in the fixture), on two lines.
    const lines = [...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((match) => match[1]);
    expect(lines).toEqual([
      'POST /orders',
      '1 trace, mean 23.0 ms',
      'GET /orders/reports/highest-spenders',
      '1 trace, mean 11.5 ms',
      'order → report',
      '1 trace, mean 54.0 ms',
    ]);
    // One stacked segment per stage of each operation, each labelled with its operation.
    const segments = [...svg.matchAll(/aria-label="[^"]*operation: ([^;"]+)/g)].map((match) => match[1]!);
    const perOperation = (name: string) => segments.filter((operation) => operation.startsWith(name)).length;
    expect(perOperation('POST /orders')).toBe(8);
    expect(perOperation('GET /orders/reports/highest-spenders')).toBe(4);
    expect(perOperation('order → report')).toBe(13);
  });

  test('When the spec is built, then each operation stacks to its whole (shares add up to 1)', () => {
    const values = (chartSpec(operations).data as { values: { operation: string; share: number }[] }).values;
    const sums = new Map<string, number>();
    for (const value of values) sums.set(value.operation, (sums.get(value.operation) ?? 0) + value.share);

    expect([...sums.values()].map((sum) => Math.round(sum * 1000) / 1000)).toEqual([1, 1, 1]);
  });
});
