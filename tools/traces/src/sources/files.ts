import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayRequest, Span } from '../span';
import { parseAccessLine, tracedRequest, type AccessLogEntry } from './nginx-log';
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

/** Every line of the gateway's access log, traced or not; an absent log has none (not an error). */
export function readAccessLog(file: string): AccessLogEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map(parseAccessLine)
    .filter((entry): entry is AccessLogEntry => entry !== undefined);
}

/** The lines that carry a trace id, for the trace join (the gateway stage of a traced request). */
export const tracedRequests = (entries: AccessLogEntry[]): GatewayRequest[] =>
  entries.map(tracedRequest).filter((request): request is GatewayRequest => request !== undefined);

export const readGatewayLog = (file: string): GatewayRequest[] => tracedRequests(readAccessLog(file));
