import { runScenario, type ScenarioResult } from '@store/load/dist/src/runner/run-scenario';
import { loadScenario, type Scenario } from '@store/load/dist/src/scenarios';
import { GATEWAY_URL } from './settings';
import { sleep } from './stack/processes';
import type { Outcome, Witness } from './witness';

/*
 * The clients of a drill, all through the gateway as real clients: the `read-write` load scenario (run by the
 * load runner, load/src/runner, unchanged but for its answer hook), a stream of order deletions, and the tool's
 * own orders (the recovery canary, the bursts that fill a group-commit batch). Every answer goes to the witness.
 */

export interface LoadShape {
  users: number;
  seconds: number;
}

/** load/scenarios/read-write.json with the drill's users and duration (one step, a short ramp). */
export function readWriteScenario(shape: LoadShape): Scenario {
  const scenario = loadScenario('read-write');
  if (scenario.load.model !== 'closed')
    throw new Error('read-write is expected to be a closed-model scenario');
  return {
    ...scenario,
    load: {
      ...scenario.load,
      rampSeconds: Math.min(scenario.load.rampSeconds, 2),
      steps: [{ users: shape.users, durationSeconds: shape.seconds }],
    },
  };
}

/** Runs the scenario; every POST's answer is an order acknowledged or not, every GET's a report read or not. */
export function runLoad(scenario: Scenario, witness: Witness, label: string): Promise<ScenarioResult> {
  const methods = new Map(scenario.tasks.map((task) => [task.name, 'method' in task ? task.method : 'GET']));
  return runScenario(scenario, {
    baseUrl: GATEWAY_URL,
    // A request still unanswered after this long counts as failed; shorter than the runner's 30 s so that a
    // drill's load ends soon after its planned duration even when a fault swallowed requests.
    requestTimeoutMs: 15_000,
    progress: { label, everyMs: 5000 },
    onAnswer: (task, answer) => {
      const outcome: Outcome =
        'error' in answer ? answer : { status: answer.status, ...(answer.text ? { text: answer.text } : {}) };
      if (methods.get(task) === 'POST') witness.recordOrder(outcome);
      else witness.recordReport(outcome);
    },
  });
}

/** One HTTP exchange through the gateway, as an Outcome (never throws). */
export async function send(method: string, path: string, body?: unknown): Promise<Outcome> {
  try {
    const response = await fetch(`${GATEWAY_URL}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? (error instanceof Error ? error.name : 'unknown') };
  }
}

/** An order of the seeded catalogue (users 1–3, products 1–4, restocked by the scenario's set-up). */
export function seedOrder(random: () => number = Math.random) {
  const pick = (max: number) => 1 + Math.floor(random() * max);
  return { user_id: pick(3), items: [{ product_id: pick(4), quantity: pick(3) }] };
}

/** Places one order as a client would; the witness records it. Returns its id when acknowledged. */
export async function placeOrder(witness: Witness): Promise<number | undefined> {
  return witness.recordOrder(await send('POST', '/orders', seedOrder()));
}

/**
 * Deletes acknowledged orders one at a time, one every `everyMs`, for as long as it runs: each DELETE answered
 * 200 is an acknowledged deletion; any other answer, or none, leaves that order's fate open (see the checker).
 */
export class DeletionStream {
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly witness: Witness,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await sleep(this.everyMs);
      const orderId = this.witness.takeLiveOrder();
      if (orderId === undefined) continue;
      this.witness.recordDeletion(orderId, await send('DELETE', `/orders/${orderId}`));
    }
  }
}

/** `count` orders at once: with one writer per replica, concurrent orders share a group-commit batch. */
export async function burst(witness: Witness, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => placeOrder(witness)));
}
