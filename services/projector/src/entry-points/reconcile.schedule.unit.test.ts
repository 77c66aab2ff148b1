import { createLogger, inSpan } from '@store/observability';
import { startInMemoryTracing } from '@store/testing';
import type { ReconcileReport } from '../domain/reconcile.use-case';
import { scheduleReconcile } from './reconcile.schedule';

const noDrift: ReconcileReport = { users: [], products: [], mismatches: 0, absoluteDifference: 0 };

describe('reconcile schedule', () => {
  test('When the periodic check runs, then it records no spans (tracing is on for everything else)', async () => {
    const tracing = startInMemoryTracing();
    try {
      let ran = (): void => undefined;
      const firstRun = new Promise<void>((resolve) => (ran = resolve));
      const stop = scheduleReconcile(
        async () => {
          const report = await inSpan('reconcile', () => Promise.resolve(noDrift));
          ran();
          return report;
        },
        5,
        createLogger('projector-test', { level: 'silent' }),
      );

      await firstRun;
      stop();
      await inSpan('traced as usual', () => Promise.resolve());

      expect(tracing.spans().map((span) => span.name)).toEqual(['traced as usual']);
    } finally {
      await tracing.stop();
    }
  });
});
