import type { Finding } from './conservation';
import type { ProbeCounts } from './report-probe';
import { drillTotal, sumTallies, WINDOWS, type WindowTallies } from './witness';

/** One drill's outcome: what was done, what the clients saw, how long recovery took, what the checker found. */
export interface DrillResult {
  id: string;
  title: string;
  /** What the fault did, in words (which process, how many messages, …). */
  note: string;
  startedAt: string;
  load: { users: number; seconds: number };
  /** Requests and failures per window (before the fault, fault → recovered, after) and per kind. */
  requests: WindowTallies;
  /** Seconds from the fault to a healthy, caught-up stack; null when it did not recover in time. */
  recoverySeconds: number | null;
  recoveryDetail: string;
  /** The pipeline went idle (outbox drained, queue empty, projection caught up) before the check. */
  idle: boolean;
  conservation: {
    lost: Finding[];
    duplicated: Finding[];
    unexpected: Finding[];
    drift: Finding[];
    counted: Record<string, number>;
  };
  reportProbe?: ProbeCounts;
  info: string[];
  /** Why the drill failed; empty when it passed. */
  failures: string[];
  passed: boolean;
}

export interface RunResults {
  startedAt: string;
  finishedAt: string;
  profile: string;
  commit: string | undefined;
  passed: boolean;
  drills: DrillResult[];
}

/** What fails a drill: anything lost or duplicated, any drift, no recovery, or a fault-specific problem. */
export function failuresOf(result: Omit<DrillResult, 'failures' | 'passed'>, problems: string[]): string[] {
  const failures: string[] = [];
  const { lost, duplicated, drift } = result.conservation;
  if (lost.length) failures.push(`${lost.length} lost`);
  if (duplicated.length) failures.push(`${duplicated.length} duplicated`);
  if (drift.length) failures.push(`${drift.length} drift`);
  if (result.recoverySeconds === null) failures.push(`no recovery: ${result.recoveryDetail}`);
  if (!result.idle) failures.push('the pipeline never went idle');
  if (result.reportProbe?.wrong)
    failures.push(`${result.reportProbe.wrong} report answers with a wrong total`);
  return [...failures, ...problems];
}

const HEADER = [
  'drill',
  'requests',
  'failed',
  'failed in fault window',
  'lost',
  'duplicated',
  'unexpected',
  'drift',
  'recovery',
  'result',
];

/** The summary table, one row per drill: the figures the issue asks for. */
export function tableRows(drills: DrillResult[]): string[][] {
  return drills.map((drill) => {
    const all = drillTotal(drill.requests);
    const fault = sumTallies(Object.values(drill.requests.fault));
    const { lost, duplicated, unexpected, drift } = drill.conservation;
    return [
      drill.id,
      String(all.requests),
      String(all.failed),
      `${fault.failed} of ${fault.requests}`,
      String(lost.length),
      String(duplicated.length),
      String(unexpected.length),
      String(drift.length),
      drill.recoverySeconds === null ? 'none' : `${drill.recoverySeconds.toFixed(1)} s`,
      drill.passed ? 'PASS' : 'FAIL',
    ];
  });
}

export function markdownTable(drills: DrillResult[]): string {
  const rows = tableRows(drills);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(HEADER),
    line(HEADER.map((_, i) => (i === 0 || i === HEADER.length - 1 ? '---' : '---:'))),
    ...rows.map(line),
  ].join('\n');
}

export function terminalTable(drills: DrillResult[]): string {
  const rows = [HEADER, ...tableRows(drills)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  return [format(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(format)].join(
    '\n',
  );
}

/** results.md: the table, then per drill what was done, how requests fared, and every finding. */
export function markdownReport(run: RunResults): string {
  const parts = [
    `# Chaos drills — ${run.passed ? 'all passed' : 'FAILED'}`,
    '',
    `Run ${run.startedAt} → ${run.finishedAt}, profile \`${run.profile}\`${run.commit ? `, commit ${run.commit}` : ''}.`,
    'A drill passes with 0 lost, 0 duplicated and 0 drift once the pipeline is idle, and a recovery (all services',
    'ready, a new order acknowledged and applied to the projection, nothing left behind in the outbox).',
    'Unexpected = committed although its request got no 201 (the client saw an error): allowed.',
    '',
    markdownTable(run.drills),
  ];
  for (const drill of run.drills) {
    parts.push(
      '',
      `## ${drill.id} — ${drill.passed ? 'PASS' : 'FAIL'}`,
      '',
      `${drill.title}: ${drill.note}.`,
      '',
    );
    parts.push(`Load: ${drill.load.users} users for ${drill.load.seconds} s (read-write), plus deletions.`);
    parts.push(`Recovery: ${drill.recoveryDetail}.`);
    if (drill.failures.length) parts.push(`Failed because: ${drill.failures.join('; ')}.`);
    parts.push('', '| window | kind | requests | failed | reasons |', '|---|---|---:|---:|---|');
    for (const window of WINDOWS) {
      for (const [kind, tally] of Object.entries(drill.requests[window])) {
        const reasons = Object.entries(tally.reasons)
          .map(([reason, count]) => `${reason} ×${count}`)
          .join(', ');
        parts.push(`| ${window} | ${kind} | ${tally.requests} | ${tally.failed} | ${reasons} |`);
      }
    }
    const { counted } = drill.conservation;
    parts.push(
      '',
      `Checked: ${Object.entries(counted)
        .map(([what, n]) => `${what} ${n}`)
        .join(', ')}.`,
    );
    if (drill.reportProbe) {
      const p = drill.reportProbe;
      parts.push(
        `Reports during the fault: ${p.answers} read — ${p.fromProjection} from the projection, ${p.fromMysql} from MySQL, ${p.unavailable} answered 503, ${p.otherErrors} other errors, ${p.wrong} wrong.`,
      );
      for (const example of p.examples) parts.push(`- wrong: ${example}`);
    }
    for (const info of drill.info) parts.push(`- ${info}`);
    for (const kind of ['lost', 'duplicated', 'drift', 'unexpected'] as const) {
      const findings = drill.conservation[kind];
      if (!findings.length) continue;
      parts.push('', `${kind} (${findings.length}):`);
      for (const finding of findings.slice(0, 30)) parts.push(`- ${finding.where}: ${finding.detail}`);
      if (findings.length > 30) parts.push(`- … ${findings.length - 30} more in results.json`);
    }
  }
  return `${parts.join('\n')}\n`;
}
