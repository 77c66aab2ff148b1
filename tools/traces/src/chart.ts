import { renderSvg, type TopLevelSpec } from '@store/charts';
import type { OperationBreakdown } from './breakdown';
import { compareStages } from './classify';

/** Splits an operation's axis label in two lines: its name, then how many traces and their mean. */
const LINE_BREAK = ' · ';

/** One horizontal bar per operation, stacked by stage: each stage's share of the operation's mean time. */
export function chartSpec(operations: OperationBreakdown[]): TopLevelSpec {
  const shown = operations.filter((operation) => operation.traces > 0);
  const label = (operation: OperationBreakdown) =>
    `${operation.operation}${LINE_BREAK}${operation.traces} trace${operation.traces === 1 ? '' : 's'}, mean ${operation.total.meanMs.toFixed(1)} ms`;
  const values = shown.flatMap((operation) =>
    operation.stages.map((stage) => ({
      operation: label(operation),
      stage: stage.stage,
      share: stage.share,
      meanMs: stage.meanMs,
      p50Ms: stage.p50Ms,
      p95Ms: stage.p95Ms,
    })),
  );
  const stages = [...new Set(values.map((value) => value.stage))].sort(compareStages);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Where the time goes: share of the mean time by stage',
    width: 640,
    height: { step: 36 },
    data: { values },
    transform: [{ calculate: `indexof(${JSON.stringify(stages)}, datum.stage)`, as: 'order' }],
    mark: { type: 'bar', height: { band: 0.7 } },
    encoding: {
      y: {
        field: 'operation',
        type: 'nominal',
        sort: shown.map(label),
        title: null,
        axis: { labelExpr: `split(datum.label, '${LINE_BREAK}')`, labelLimit: 0 },
      },
      x: {
        field: 'share',
        type: 'quantitative',
        stack: 'zero',
        axis: { format: '%' },
        title: 'share of mean time',
      },
      color: {
        field: 'stage',
        type: 'nominal',
        sort: stages,
        scale: { scheme: 'tableau20' },
        title: 'stage',
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'stage' },
        { field: 'share', format: '.1%' },
        { field: 'meanMs', title: 'mean ms' },
        { field: 'p50Ms', title: 'p50 ms' },
        { field: 'p95Ms', title: 'p95 ms' },
      ],
    },
  };
}

export { renderSvg };
