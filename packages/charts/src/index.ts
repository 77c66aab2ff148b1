import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

export type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

/*
 * vega and vega-lite are ES modules with top-level await: Node 24's require(esm) refuses such a graph, and so does
 * Jest's loader even for a dynamic import() (tried on Node 24.22 and Jest 30.5: "require() cannot be used to load
 * ES Module vega-canvas: top-level await"). A worker thread is plain Node: it imports them natively, compiles and renders
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
