import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayRequest, Span } from '../span';
import { parseGatewayLine } from './nginx-log';
import { spansFromOtlp, type ExportTraceServiceRequest } from './otlp-json';

/** The sink's files in write order (traces-<n>.jsonl, n growing), oldest first. */
export function traceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^traces-\d+\.jsonl$/.test(name))
    .sort((a, b) => Number(a.match(/\d+/)?.[0]) - Number(b.match(/\d+/)?.[0]))
    .map((name) => join(dir, name));
}

/** Every span of every line. A line that does not parse (the sink was killed mid-write) is skipped. */
export function readTraceFiles(files: string[]): Span[] {
  const spans: Span[] = [];
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        spans.push(...spansFromOtlp(JSON.parse(line) as ExportTraceServiceRequest));
      } catch {
        continue;
      }
    }
  }
  return spans;
}

/** The gateway's access log lines that carry a trace id; an absent log is no gateway stage, not an error. */
export function readGatewayLog(file: string): GatewayRequest[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map(parseGatewayLine)
    .filter((request): request is GatewayRequest => request !== undefined);
}
