import { createLogger } from '@store/observability';
import type { VersionState } from './ports';
import { RebuildInProgressError } from './rebuild.use-case';
import { createSelfHeal, diagnose, type HealReason } from './self-heal.use-case';

const healthy: VersionState = {
  live: 4,
  available: true,
  completedAt: '2026-11-27T10:00:00.000Z',
  appliedEvents: 120,
  rebuilding: null,
  marker: null,
  rebuildLocked: false,
};
const seen = { version: 4, completedAt: healthy.completedAt, appliedEvents: 120 };

describe('diagnose', () => {
  test('When the live version is complete and has not gone back, then nothing is done', () => {
    expect(diagnose(healthy, undefined)).toEqual({ action: 'none', why: 'available' });
    expect(diagnose({ ...healthy, appliedEvents: 121 }, seen)).toEqual({ action: 'none', why: 'available' });
  });

  test('When there is no complete live version (no pointer, or completed_at lost), then it is rebuilt', () => {
    const scratch = { ...healthy, live: 1, available: false, completedAt: null, appliedEvents: 3 };
    expect(diagnose(scratch, undefined)).toEqual({ action: 'rebuild', why: 'missing' });
    expect(diagnose({ ...healthy, available: false, completedAt: null }, seen)).toEqual({
      action: 'rebuild',
      why: 'missing',
    });
  });

  test('When the same build has applied fewer events than seen before, then Redis went back in time: rebuild', () => {
    expect(diagnose({ ...healthy, appliedEvents: 119 }, seen)).toEqual({
      action: 'rebuild',
      why: 'rolled-back',
    });
  });

  test('When fewer events belong to another build (a rebuild happened), then that is no roll-back', () => {
    expect(diagnose({ ...healthy, live: 5, appliedEvents: 3 }, seen)).toMatchObject({ action: 'none' });
    expect(
      diagnose({ ...healthy, completedAt: '2026-11-27T11:00:00.000Z', appliedEvents: 3 }, seen),
    ).toMatchObject({ action: 'none' });
  });

  test('When a rebuild holds the lock, then it is left alone, even with no live projection', () => {
    const building = { ...healthy, available: false, rebuilding: 5, marker: '5:t', rebuildLocked: true };
    expect(diagnose(building, undefined)).toEqual({ action: 'none', why: 'rebuilding' });
  });

  test('When a marker is up without the lock, then that rebuild died and its version is cleared', () => {
    expect(diagnose({ ...healthy, rebuilding: 5, marker: '5:t' }, seen)).toEqual({
      action: 'clear-dead-rebuild',
    });
  });
});

describe('self-heal check', () => {
  const logger = createLogger('self-heal-test', { level: 'silent' });
  const setUp = (states: VersionState[], rebuild: (reason: HealReason) => Promise<unknown>) => {
    const calls: string[] = [];
    const check = createSelfHeal({
      target: {
        readVersions: () => Promise.resolve(states.shift()!),
        withdrawLive: (version) => Promise.resolve(void calls.push(`withdraw ${version}`)),
        abortRebuild: (marker, version) => Promise.resolve(void calls.push(`abort ${marker} ${version}`)),
      },
      rebuild: async (reason) => {
        calls.push(`rebuild ${reason}`);
        return rebuild(reason);
      },
      logger,
    });
    return { check, calls };
  };

  test('When the applied count drops between two checks, then the version is withdrawn before the rebuild', async () => {
    const { check, calls } = setUp([healthy, { ...healthy, appliedEvents: 7 }], () => Promise.resolve());
    await check();
    await check();
    expect(calls).toEqual(['withdraw 4', 'rebuild rolled-back']);
  });

  test('When another process is already rebuilding, then the check does not fail', async () => {
    const { check, calls } = setUp([{ ...healthy, available: false }], () =>
      Promise.reject(new RebuildInProgressError('busy')),
    );
    await expect(check()).resolves.toMatchObject({ diagnosis: { action: 'rebuild', why: 'missing' } });
    expect(calls).toEqual(['rebuild missing']);
  });

  test('When a dead rebuild left its marker, then exactly its version is cleared', async () => {
    const { check, calls } = setUp([{ ...healthy, rebuilding: 9, marker: '9:dead' }], () =>
      Promise.resolve(),
    );
    await check();
    expect(calls).toEqual(['abort 9:dead 9']);
  });
});
