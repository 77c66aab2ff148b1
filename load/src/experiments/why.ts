import type { Row } from '../results';
import type { Diagnosis } from './bottleneck';
import type { ConfigurationRun } from './measure';

/*
 * The report's "Why it broke" section: for each configuration the resource that filled first with its figures,
 * the queues and lag at the breaking step, and the operational-law estimate of the breaking point beside the
 * measured one.
 */

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
const pct = (share: number) => `${(share * 100).toFixed(0)} %`;

function filledText(diagnosis: Diagnosis): string {
  const first = diagnosis.filledFirst;
  if (!first) return '–';
  const where = `${first.users} users (step ${first.step + 1})`;
  return first.full
    ? `**${first.resource}** at ${where}: ${pct(first.utilisation)} of ${coresOf(first)} core(s)`
    : `none reached ${pct(0.8)}; fullest **${first.resource}** at ${where}: ${pct(first.utilisation)}`;
}

const coresOf = (u: { cores: number; utilisation: number }) =>
  u.utilisation > 0 ? fixed(u.cores / u.utilisation, 0) : '?';

export function whyRows(runs: readonly ConfigurationRun[]): Row[] {
  return runs.map((run) => {
    const diagnosis = run.rampDetail?.diagnosis;
    const prediction = diagnosis?.prediction;
    const broke = run.ramp?.breakingPoint;
    const signal = (name: string) => diagnosis?.signals.find((s) => s.name === name);
    const change = (name: string, digits = 0) => {
      const s = signal(name);
      return s ? `${fixed(s.first, digits)} → ${fixed(s.there, digits)}` : '–';
    };
    return {
      configuration: run.label,
      measured: run.generator ?? '–',
      'filled first': diagnosis ? filledText(diagnosis) : 'not measured',
      'next fullest at the break': diagnosis
        ? diagnosis.utilisations
            .filter((u) => u.resource !== diagnosis.filledFirst?.resource)
            .slice(0, 3)
            .map((u) => `${u.resource} ${pct(u.utilisation)}`)
            .join(', ')
        : '–',
      'machine CPU at the break': diagnosis?.machine === undefined ? '–' : pct(diagnosis.machine),
      'queue depth (msgs)': change('projector queue depth'),
      'outbox pending': change('outbox pending'),
      'projection lag ms': change('projection lag'),
      'gateway cached %': change('gateway cached share'),
      'predicted: bottleneck, knee': prediction
        ? `${prediction.bottleneck} ${fixed(prediction.demandMs, 2)} ms/req → ≤ ${fixed(prediction.maxRps)} req/s, N* ≈ ${fixed(prediction.kneeUsers)} users`
        : '–',
      'predicted break': prediction?.predictedBreakUsers ?? (prediction ? 'beyond the ramp' : '–'),
      'measured break': run.error ? 'incomplete' : broke ? (broke.users ?? '?') : 'not reached',
    };
  });
}

export const WHY_NOTES = [
  'Utilisation = CPU cores a process group used over the step ÷ the cores it can use (a Node process runs its ' +
    'JavaScript on one core; Redis one; MariaDB, RabbitMQ and the machine every core). A resource is *full* at ' +
    '80 % (an M/M/1 queue waits 4× its service time there). The whole machine is shown beside, not ranked: this ' +
    'host runs other work too. Queue, outbox, lag and cache columns: first step → breaking step.',
  'Prediction: demand D = CPU seconds per request of each resource over the steps that held (utilisation law ' +
    'U = X·D); the bottleneck caps throughput at X_max = cores ÷ D; with think time Z (mean 2 s) Little’s law ' +
    'N = X·(R + Z) puts the knee at N* = X_max·(R₀ + Z). Shared servers (MariaDB, RabbitMQ, Redis) and the ' +
    'machine also carry other work on this host, so their figures are upper bounds for this run’s share.',
  'Pool waits are not measured: the services expose no connection-pool metric.',
];
