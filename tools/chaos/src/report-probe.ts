import { fetchReport, type World } from './observe/world';
import { sleep } from './stack/processes';
import type { Witness } from './witness';

/*
 * "Reports answer from MySQL or 503, never a wrong total": while a fault lasts, the probe reads the
 * highest-spenders report again and again and judges each answer against MySQL, read directly just before and
 * just after it. A total may lag (the projection applies events a moment after they commit, the report cache
 * keeps an answer REPORT_TTL_SECONDS), so it may be short by the orders of the last LAG_SECONDS and long by the
 * deletions of that time, plus one order still on its way; anything outside that is a wrong total (a
 * projection that lost its past shows a fraction of the real one).
 */
const LAG_SECONDS = 10;

export interface ProbeCounts {
  answers: number;
  fromProjection: number;
  fromMysql: number;
  unavailable: number;
  otherErrors: number;
  wrong: number;
  /** The first few wrong answers, as evidence. */
  examples: string[];
}

export class ReportProbe {
  readonly counts: ProbeCounts = {
    answers: 0,
    fromProjection: 0,
    fromMysql: 0,
    unavailable: 0,
    otherErrors: 0,
    wrong: 0,
    examples: [],
  };
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly world: World,
    private readonly witness: Witness,
    private readonly everyMs = 300,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<ProbeCounts> {
    this.stopped = true;
    await this.running;
    return this.counts;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.probeOnce().catch(() => undefined); // MySQL itself unreachable: nothing to judge against
      await sleep(this.everyMs);
    }
  }

  private async probeOnce(): Promise<void> {
    const before = await this.world.mysqlTotals();
    const answer = await fetchReport('highest-spenders', 100);
    const after = await this.world.mysqlTotals();
    const { counts } = this;
    counts.answers++;
    if ('error' in answer) {
      if (answer.error.startsWith('503')) counts.unavailable++;
      else counts.otherErrors++;
      return;
    }
    if (answer.source === 'mysql') counts.fromMysql++;
    else counts.fromProjection++;
    const recentOrders = await this.world.recentSpendByUser(LAG_SECONDS);
    const recentDeletes = this.witness.recentlyDeletedSpend(LAG_SECONDS * 1000);
    const margin = this.witness.largestOrderCents();
    const shown = new Map(answer.entries);
    const users = new Set([...before.spendByUser.keys(), ...after.spendByUser.keys(), ...shown.keys()]);
    for (const user of users) {
      const a = before.spendByUser.get(user) ?? 0;
      const b = after.spendByUser.get(user) ?? 0;
      const low = Math.min(a, b) - (recentOrders.get(user) ?? 0) - margin;
      const high = Math.max(a, b) + (recentDeletes.get(user) ?? 0) + margin;
      const value = shown.get(user) ?? 0;
      if (value >= low && value <= high) continue;
      counts.wrong++;
      if (counts.examples.length < 5)
        counts.examples.push(
          `user ${user}: report ${cents(value)} (${answer.source ?? '?'}), MySQL ${cents(a)}…${cents(b)}, tolerance ${cents(low)}…${cents(high)}`,
        );
      return; // one wrong answer counts once
    }
  }
}

const cents = (value: number) => (value / 100).toFixed(2);
