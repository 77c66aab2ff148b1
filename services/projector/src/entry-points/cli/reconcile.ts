import { createLogger, type Logger } from '@store/observability';
import { openUseCases } from '../../app';
import { readConfig } from '../../config';
import type { Drift } from '../../domain/reconcile.use-case';

/**
 * `npm run reconcile -w services/projector`: prints the drift between MySQL and the projection.
 * Exit code 0: no drift; 1: drift (one line per entry, then the summary); 2: the check itself failed.
 */
async function main(logger: Logger): Promise<number> {
  const { stores, reconcile } = await openUseCases(readConfig(), logger);
  try {
    const report = await reconcile();
    const lines = [
      ...report.users.map((drift) => describe('user', drift, 'cents')),
      ...report.products.map((drift) => describe('product', drift, 'units')),
      `drift: ${report.mismatches} mismatched entries, ${report.absoluteDifference} total absolute difference`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return report.mismatches === 0 ? 0 : 1;
  } finally {
    await stores.close();
  }
}

const describe = (what: string, drift: Drift, unit: string): string =>
  `${what} ${drift.id}: mysql ${drift.expected} ${unit}, projection ${drift.actual} ${unit} ` +
  `(difference ${drift.actual - drift.expected})`;

const logger = createLogger('projector-reconcile');
void main(logger)
  .catch((error: unknown) => {
    logger.error({ err: error }, 'reconciliation failed');
    return 2;
  })
  .then((code) => process.exit(code));
