import { gains, largestGain, type RunSummary } from './analysis';
import type { UpstreamPolicy } from './balancing';
import { CONFIGURATIONS } from './configurations';

/** The lab's seven questions, each answered from the figures (one or more Markdown lines). */
export type Answers = Record<'Q1' | 'Q2' | 'Q3' | 'Q4' | 'Q5' | 'Q6' | 'Q7', string[]>;

export const QUESTIONS: Record<keyof Answers, string> = {
  Q1: 'Q1 — p50 latency and error rate of the read-only scenario at 100 users',
  Q2: 'Q2 — breaking point of C1 (reports on MySQL, N+1 lookup)',
  Q3: 'Q3 — breaking point of C2 (batched lookup)',
  Q4: 'Q4 — breaking point of C3 (Redis projection + report cache)',
  Q5: 'Q5 — breaking point of C4 (nginx over 3 replicas)',
  Q6: 'Q6 — which step helped most, and by how much',
  Q7: 'Q7 — the load-balancing policy (read from nginx.conf)',
};

export const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
export const pct = (value: number): string =>
  Number.isFinite(value) ? `${(value * 100).toFixed(2)} %` : 'n/a';
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');

export function breakingText(summary: RunSummary | undefined, topUsers: number): string {
  if (!summary) return 'not measured';
  if (!summary.complete) return 'run incomplete (see the run’s error in results.json)';
  const { breaking } = summary;
  if (!breaking) {
    const top = summary.steps.at(-1);
    return (
      `not reached up to ${topUsers} users (last step: p95 ${ms(top?.p95Ms ?? NaN)}, errors ` +
      `${pct(top?.errorRate ?? NaN)}, ${(top?.rps ?? 0).toFixed(0)} requests/s)`
    );
  }
  return (
    `**${breaking.users} users** (step ${breaking.step + 1}: p95 ${ms(breaking.p95Ms)}, errors ` +
    `${pct(breaking.errorRate)}; ${breaking.reasons.join(', ')}); last step held: ${summary.heldUsers} users, ` +
    `peak ${summary.peakRps.toFixed(0)} requests/s`
  );
}

export function answer(
  summaries: readonly RunSummary[],
  policies: UpstreamPolicy[],
  stepUsers: readonly number[],
): Answers {
  const byLabel = new Map(summaries.map((summary) => [summary.label, summary]));
  const topUsers = stepUsers.at(-1) ?? 0;
  const q1 = CONFIGURATIONS.map(({ id }) => {
    const figures = byLabel.get(id)?.q1;
    return figures
      ? `- ${id}: p50 **${ms(figures.p50Ms)}**, errors **${pct(figures.errorRate)}** (p95 ${ms(figures.p95Ms)}, ` +
          `${figures.rps.toFixed(1)} requests/s, ${figures.users} users)`
      : `- ${id}: not measured`;
  });
  const breakingOf = (id: string) => [`${id}: ${breakingText(byLabel.get(id), topUsers)}.`];
  const raised = CONFIGURATIONS.map(({ id }) => byLabel.get(id)).filter((s): s is RunSummary => Boolean(s));
  const all = gains(raised, stepUsers[0] ?? 1);
  const top = largestGain(all);
  const q6 = top
    ? [
        `**${top.to}** (${CONFIGURATIONS.find((c) => c.id === top.to)?.adds ?? ''}) helped most: users held ` +
          `×${top.heldRatio.toFixed(2)} over ${top.from}, peak throughput ${times(top.peakRpsRatio)}, ` +
          `Q1 p50 ${times(top.q1P50Ratio)}.`,
        '',
        '| step | users held | peak requests/s | Q1 p50 |',
        '| --- | ---: | ---: | ---: |',
        ...all.map(
          (gain) =>
            `| ${gain.from} → ${gain.to} | ${times(gain.heldRatio)} | ${times(gain.peakRpsRatio)} | ` +
            `${times(gain.q1P50Ratio)} |`,
        ),
      ]
    : ['not enough configurations measured'];
  const q7 = policies.length
    ? [
        ...policies.map(
          (policy) =>
            `- upstream \`${policy.upstream}\`: **${policy.policy}** over ${policy.servers} server(s)`,
        ),
        '',
        '`least_conn` sends each request to the replica with the fewest active connections (weighted), so a slow ' +
          'request does not queue others behind it the way round-robin would.',
      ]
    : ['the rendered nginx.conf of C4 could not be read'];
  return {
    Q1: q1,
    Q2: breakingOf('C1'),
    Q3: breakingOf('C2'),
    Q4: breakingOf('C3'),
    Q5: breakingOf('C4'),
    Q6: q6,
    Q7: q7,
  };
}
