import { checkConservation, findingId, newFindings, type Verdict } from './conservation';
import type { Drill, DrillContext, Injection } from './drills';
import type { PipelineState } from './observe/world';
import { ReportProbe } from './report-probe';
import { failuresOf, type DrillResult } from './results';
import { sleep, waitFor } from './stack/processes';
import { DeletionStream, placeOrder, readWriteScenario, runLoad } from './traffic';

/** Findings of earlier drills, so each drill is judged on what it added (drift is judged as it stands). */
export interface Carried {
  seen: Set<string>;
}

/**
 * One drill, start to verdict:
 *   load + deletions start → warm-up → fault (window 'fault' opens) → what was taken is given back → recovery:
 *   killed processes replaced and ready, every service ready, a canary order acknowledged and applied to a
 *   complete projection, no event stuck in the outbox (window 'after' opens) → the load ends → the pipeline goes
 *   idle → the conservation check → the fault's own checks.
 */
export async function runDrill(drill: Drill, ctx: DrillContext, carried: Carried): Promise<DrillResult> {
  const { profile, witness, log } = ctx;
  const startedAt = new Date();
  witness.beginDrill();
  const load = runLoad(
    readWriteScenario({ users: profile.users, seconds: profile.loadSeconds }),
    witness,
    `  ${drill.id}`,
  );
  const deletions = new DeletionStream(witness, profile.deleteEveryMs);
  deletions.start();
  let injection: Injection | undefined;
  let probe: ReportProbe | undefined;
  let recovery: { seconds: number | null; detail: string } = {
    seconds: null,
    detail: 'the fault was not injected',
  };
  const problems: string[] = [];
  const info: string[] = [];
  try {
    await sleep(profile.warmupSeconds * 1000);
    witness.enterWindow('fault');
    log(`${drill.id}: injecting the fault`);
    injection = await drill.inject(ctx);
    log(`${drill.id}: ${injection.note}`);
    if (injection.probeReports) (probe = new ReportProbe(ctx.world, witness)).start();
    await injection.restore?.();
    recovery = await awaitRecovery(ctx, injection);
    log(`${drill.id}: ${recovery.detail}`);
  } catch (error) {
    problems.push(`the drill could not run: ${error instanceof Error ? error.message : String(error)}`);
    log(`${drill.id}: ${problems.at(-1)}`);
  } finally {
    witness.enterWindow('after');
  }
  await load.catch((error: unknown) => problems.push(`the load failed: ${String(error)}`));
  // The probe judges reports until the load ends: during the fault, and right after the system recovered.
  const reportProbe = await probe?.stop();
  await deletions.stop();

  const idle = await waitIdle(ctx, profile.idleTimeoutSeconds * 1000);
  log(
    `${drill.id}: ${idle.idle ? 'pipeline idle' : `pipeline NOT idle after ${profile.idleTimeoutSeconds} s`} (${describeState(idle.state)})`,
  );
  const verdict = checkConservation(witness.clientRecord(), await ctx.world.snapshot(100));
  if (injection?.checks) {
    const extra = await injection.checks();
    problems.push(...extra.problems);
    info.push(...extra.info);
  }
  const conservation = judged(verdict, carried);
  const partial = {
    id: drill.id,
    title: drill.title,
    note: injection?.note ?? 'not injected',
    startedAt: startedAt.toISOString(),
    load: { users: profile.users, seconds: profile.loadSeconds },
    requests: witness.tallies(),
    recoverySeconds: recovery.seconds,
    recoveryDetail: recovery.detail,
    idle: idle.idle,
    conservation,
    ...(reportProbe ? { reportProbe } : {}),
    info,
  };
  const failures = failuresOf(partial, problems);
  return { ...partial, failures, passed: failures.length === 0 };
}

/** Lost, duplicated and unexpected findings new in this drill; drift as it stands now. */
function judged(verdict: Verdict, carried: Carried): DrillResult['conservation'] {
  const result = {
    lost: newFindings(verdict.lost, carried.seen),
    duplicated: newFindings(verdict.duplicated, carried.seen),
    unexpected: newFindings(verdict.unexpected, carried.seen),
    drift: verdict.drift,
    counted: verdict.counted,
  };
  for (const finding of [...verdict.lost, ...verdict.duplicated, ...verdict.unexpected])
    carried.seen.add(findingId(finding));
  return result;
}

/**
 * From the fault to a healthy stack that has caught up: killed processes replaced and ready, every service
 * ready, and a canary order placed through the gateway, acknowledged, and applied to a complete live
 * projection, with no outbox row left unpublished for more than 2 s.
 */
async function awaitRecovery(
  ctx: DrillContext,
  injection: Injection,
): Promise<{ seconds: number | null; detail: string }> {
  const timeoutMs = ctx.profile.recoveryTimeoutSeconds * 1000;
  const deadline = injection.at + timeoutMs;
  const left = () => Math.max(0, deadline - Date.now());
  const restarted: string[] = [];
  for (const { instance, pid } of injection.killed ?? []) {
    const newPid = await ctx.stack.awaitRestart(instance, pid, left());
    if (newPid === undefined)
      return {
        seconds: null,
        detail: `${instance.name} was not running and ready again within ${timeoutMs / 1000} s`,
      };
    restarted.push(`${instance.name} back as pid ${newPid} after ${seconds(Date.now() - injection.at)} s`);
  }
  let canary: number | undefined;
  let lastState = 'not healthy yet';
  const recovered = await waitFor(
    async () => {
      if (!(await ctx.stack.healthy())) return ((lastState = 'not every service ready'), undefined);
      canary ??= await placeOrder(ctx.witness);
      if (canary === undefined) return ((lastState = 'the canary order was not acknowledged'), undefined);
      if (!(await ctx.world.orderApplied(canary).catch(() => false)))
        return ((lastState = `canary order ${canary} not applied to a complete projection yet`), undefined);
      const state = await ctx.world.pipeline().catch(() => undefined);
      if (!state || state.staleUnpublished > 0 || state.rebuilding)
        return ((lastState = state ? describeState(state) : 'the stores did not answer'), undefined);
      return Date.now();
    },
    left(),
    250,
  );
  if (recovered === undefined)
    return { seconds: null, detail: `not recovered within ${timeoutMs / 1000} s (${lastState})` };
  const detail = [
    ...restarted,
    `healthy and caught up (canary order ${canary}) after ${seconds(recovered - injection.at)} s`,
  ];
  return { seconds: (recovered - injection.at) / 1000, detail: detail.join('; ') };
}

/** Idle: nothing unpublished, nothing waiting in the queue, no rebuild, every logged event applied; twice in a row. */
async function waitIdle(
  ctx: DrillContext,
  timeoutMs: number,
): Promise<{ idle: boolean; state: PipelineState | undefined }> {
  let state: PipelineState | undefined;
  let streak = 0;
  const idle = await waitFor(
    async () => {
      state = await ctx.world.pipeline().catch(() => undefined);
      const quiet =
        state !== undefined &&
        state.unpublished === 0 &&
        state.queueReady === 0 &&
        !state.rebuilding &&
        state.complete &&
        state.appliedCount >= state.outboxRows;
      streak = quiet ? streak + 1 : 0;
      return streak >= 2 ? true : undefined;
    },
    timeoutMs,
    500,
  );
  return { idle: idle === true, state };
}

export function describeState(state: PipelineState | undefined): string {
  if (!state) return 'stores not answering';
  return [
    `outbox ${state.outboxRows} rows, ${state.unpublished} unpublished`,
    `queue ${state.queueReady ?? '?'} ready`,
    `dead letters ${state.deadLetters ?? '?'}`,
    `projection v${state.liveVersion ?? '-'}${state.complete ? '' : ' (incomplete)'}${state.rebuilding ? ' rebuilding' : ''}, ${state.appliedCount} applied`,
  ].join(', ');
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
