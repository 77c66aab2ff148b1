import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
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

/*
 * vega and vega-lite are ES modules only, while this workspace compiles to CommonJS and Jest (on Node 20) cannot
 * load ES modules from CommonJS. A worker thread is plain Node: it imports them natively, compiles and renders
 * headless (renderer 'none': no canvas needed for SVG), and hands back the SVG text. Same path in tests and CLI.
 */
const RENDER = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.all([import(workerData.vegaLite), import(workerData.vega)])
  .then(([vegaLite, vega]) => {
    const compiled = vegaLite.compile(workerData.spec);
    return new vega.View(vega.parse(compiled.spec), { renderer: 'none' }).toSVG();
  })
  .then((svg) => parentPort.postMessage({ svg }), (error) => parentPort.postMessage({ error: String(error) }));
`;

export function renderSvg(spec: TopLevelSpec): Promise<string> {
  const moduleUrl = (name: string) => pathToFileURL(require.resolve(name)).href;
  const worker = new Worker(RENDER, {
    eval: true,
    workerData: { spec, vega: moduleUrl('vega'), vegaLite: moduleUrl('vega-lite') },
  });
  return new Promise<string>((resolve, reject) => {
    worker.once('message', (answer: { svg?: string; error?: string }) => {
      if (answer.svg !== undefined) resolve(answer.svg);
      else reject(new Error(`chart rendering failed: ${answer.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`chart worker exited with ${code}`)));
  });
}
