import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@store/observability';
import { readConfig } from '../config';
import { faultInjector, NO_FAULTS } from './fault-injection';

const logger = createLogger('fault-injection-test', { level: 'silent' });

describe('fault injection (test-only crash points)', () => {
  let dir: string;
  let kill: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faults-'));
    // The real thing would SIGKILL the test runner: the spy records the signal instead.
    kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  });
  afterEach(() => {
    kill.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });
  const arm = (point: string) => writeFileSync(join(dir, point), '');
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('When FAULT_INJECTION is not set, then the config has no points and nothing can fire', () => {
    const config = readConfig({});
    expect(config.FAULT_INJECTION).toEqual([]);
    expect(faultInjector(config.FAULT_INJECTION, config.FAULT_INJECTION_DIR, logger)).toBe(NO_FAULTS);
  });

  it('When FAULT_INJECTION names an unknown point or has no folder, then the config is refused', () => {
    expect(() => readConfig({ FAULT_INJECTION: 'crash-anywhere', FAULT_INJECTION_DIR: dir })).toThrow(
      /FAULT_INJECTION/,
    );
    expect(() => readConfig({ FAULT_INJECTION: 'crash-mid-batch' })).toThrow(/FAULT_INJECTION_DIR: required/);
  });

  it('When crash-after-commit-before-publish is armed, then the next commit kills the process once, and only then', () => {
    const config = readConfig({
      FAULT_INJECTION: 'crash-after-commit-before-publish, crash-mid-batch',
      FAULT_INJECTION_DIR: dir,
    });
    const faults = faultInjector(config.FAULT_INJECTION, config.FAULT_INJECTION_DIR, logger);

    faults.afterCommit();
    expect(kill).not.toHaveBeenCalled();

    arm('crash-after-commit-before-publish');
    faults.afterCommit();
    faults.afterCommit();

    expect(kill).toHaveBeenCalledTimes(1);
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
    expect(existsSync(join(dir, 'crash-after-commit-before-publish'))).toBe(false);
  });

  it('When crash-mid-batch is armed, then a batch of one passes and the next batch of several kills after its write is sent', async () => {
    const faults = faultInjector(['crash-mid-batch'], dir, logger);
    arm('crash-mid-batch');

    await faults.orderBatchHooks!.beforeWrite!(1, 1);
    await nextTurn();
    expect(kill).not.toHaveBeenCalled();
    expect(existsSync(join(dir, 'crash-mid-batch'))).toBe(true);

    await faults.orderBatchHooks!.beforeWrite!(1, 3);
    expect(kill).not.toHaveBeenCalled(); // not before the caller has sent the write round trip
    await nextTurn();
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
  });

  it('When only crash-mid-batch is on, then commits never crash, even with the other point armed', () => {
    const faults = faultInjector(['crash-mid-batch'], dir, logger);
    arm('crash-after-commit-before-publish');
    faults.afterCommit();
    expect(kill).not.toHaveBeenCalled();
  });
});
