import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { breakdown, type OperationBreakdown } from './breakdown';
import { chartSpec, renderSvg } from './chart';
import { gatewayView, hasOperationRequests, type GatewayView } from './gateway';
import { markdown, terminalTable } from './report';
import type { Span } from './span';
import { readAccessLog, readTraceFiles, traceFiles, tracedRequests } from './sources/files';
import type { AccessLogEntry } from './sources/nginx-log';
import { fetchJaegerSpans } from './sources/jaeger';
import { repoRoot } from '@store/service-kit/repo-root';

const USAGE = `npm run traces [-- options]   where latency builds up, per operation and stage

  --jaeger <url>       read Jaeger's query API (default: $JAEGER_URL; without it, the local stack's files)
  --dir <dir>          the sink's JSON-lines files (default: $STACK_DIR/logs/traces, STACK_DIR=.run)
  --access-log <file>  the gateway's JSON access log (default: <dir>/../nginx-access.log)
  --limit <n>          Jaeger: traces per service (default 500)
  --lookback <span>    Jaeger: how far back, e.g. 15m, 1h (default 1h)
  --out <dir>          where breakdown.json/.md/.svg go (default: results/traces-<time>/)`;

const optionsSchema = z.object({
  jaeger: z.url().optional(),
  dir: z.string().min(1),
  accessLog: z.string().min(1),
  limit: z.coerce.number().int().min(1).default(500),
  lookback: z
    .string()
    .regex(/^\d+[smhd]$/, 'like 15m, 1h or 2d')
    .default('1h'),
  out: z.string().min(1),
});
export type TracesOptions = z.infer<typeof optionsSchema>;

/** Arguments over the environment over the defaults; relative paths are taken from where npm was started. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): TracesOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      jaeger: { type: 'string' },
      dir: { type: 'string' },
      'access-log': { type: 'string' },
      limit: { type: 'string' },
      lookback: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) throw new UsageError(USAGE);
  const root = repoRoot();
  const from = (path: string) => resolve(env.INIT_CWD ?? process.cwd(), path);
  const dir = values.dir ? from(values.dir) : join(resolve(root, env.STACK_DIR ?? '.run'), 'logs/traces');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const parsed = optionsSchema.safeParse({
    jaeger: values.jaeger ?? (env.JAEGER_URL || undefined),
    dir,
    accessLog: values['access-log'] ? from(values['access-log']) : join(dir, '..', 'nginx-access.log'),
    limit: values.limit,
    lookback: values.lookback,
    out: values.out ? from(values.out) : join(root, 'results', `traces-${stamp}`),
  });
  if (!parsed.success) throw new UsageError(`${z.prettifyError(parsed.error)}\n\n${USAGE}`);
  return parsed.data;
}

export class UsageError extends Error {}

interface Loaded {
  spans: Span[];
  /** every line of the gateway's access log; undefined when it was not read (Jaeger without --access-log) */
  access?: AccessLogEntry[];
  source: string;
}

async function load(options: TracesOptions, explicitAccessLog: boolean): Promise<Loaded> {
  if (options.jaeger) {
    const spans = await fetchJaegerSpans({
      url: options.jaeger,
      limit: options.limit,
      lookback: options.lookback,
    });
    const source = `Jaeger ${options.jaeger} (last ${options.lookback})`;
    return explicitAccessLog
      ? { spans, access: readAccessLog(options.accessLog), source }
      : { spans, source };
  }
  const files = traceFiles(options.dir);
  return {
    spans: readTraceFiles(files),
    access: readAccessLog(options.accessLog),
    source: `${files.length} file(s) in ${options.dir}`,
  };
}

function noTracesMessage(options: TracesOptions, loaded: Loaded): string {
  const where = options.jaeger
    ? `Jaeger at ${options.jaeger} (services' traces of the last ${options.lookback})`
    : `${options.dir}/traces-*.jsonl`;
  const gatewayLog = loaded.access ? `, nor a request of them in ${options.accessLog}` : '';
  return [
    `No traces of POST /orders or the report GETs found (${loaded.spans.length} spans read from ${where})` +
      `${gatewayLog}.`,
    'To get some on the plain-process stack: `npm start` (services export to the local sink, 10 % of',
    'requests sampled; OTEL_TRACES_SAMPLER_ARG=1 npm start keeps every trace), send traffic through the gateway',
    '(e.g. a load run), then `npm run traces`. With compose: `npm run traces -- --jaeger http://localhost:16686`.',
  ].join('\n');
}

export interface TracesRun {
  operations: OperationBreakdown[];
  gateway?: GatewayView;
  /** no chart without traces */
  files: { json: string; markdown: string; svg?: string };
}

export interface Terminal {
  out(text: string): void;
  err(text: string): void;
}
const processTerminal: Terminal = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * Reads, breaks down, prints and writes; undefined (and a message on stderr) when there is nothing to show: no
 * traces and no request of the operations in the gateway's log (which alone still says what the gateway answered).
 */
export async function runTraces(
  options: TracesOptions,
  {
    explicitAccessLog = false,
    terminal = processTerminal,
  }: { explicitAccessLog?: boolean; terminal?: Terminal } = {},
): Promise<TracesRun | undefined> {
  const loaded = await load(options, explicitAccessLog);
  const operations = breakdown(loaded.spans, tracedRequests(loaded.access ?? []));
  const gateway = loaded.access && gatewayView(loaded.access);
  const traced = operations.some((operation) => operation.traces > 0);
  if (!traced && !(gateway && hasOperationRequests(gateway))) {
    terminal.err(`${noTracesMessage(options, loaded)}\n`);
    return undefined;
  }
  mkdirSync(options.out, { recursive: true });
  const files = {
    json: join(options.out, 'breakdown.json'),
    markdown: join(options.out, 'breakdown.md'),
    ...(traced ? { svg: join(options.out, 'breakdown.svg') } : {}),
  };
  const generatedAt = new Date().toISOString();
  writeFileSync(
    files.json,
    `${JSON.stringify({ generatedAt, source: loaded.source, operations, gateway }, null, 2)}\n`,
  );
  writeFileSync(files.markdown, markdown(operations, loaded.source, gateway));
  if (files.svg) writeFileSync(files.svg, await renderSvg(chartSpec(operations)));
  terminal.out(`Source: ${loaded.source}\n\n${terminalTable(operations, gateway)}\n\n`);
  const written = Object.values(files).map((file) => file.slice(options.out.length + 1));
  terminal.out(`Written: ${options.out}/{${written.join(',')}}\n`);
  return { operations, ...(gateway ? { gateway } : {}), files };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  Promise.resolve()
    .then(() => runTraces(readOptions(argv), { explicitAccessLog: argv.includes('--access-log') }))
    .then((run) => (process.exitCode = run ? 0 : 1))
    .catch((error: unknown) => {
      const help = error instanceof UsageError && error.message === USAGE;
      (help ? process.stdout : process.stderr).write(
        `${error instanceof UsageError ? error.message : String(error)}\n`,
      );
      process.exitCode = help ? 0 : 1;
    });
}
