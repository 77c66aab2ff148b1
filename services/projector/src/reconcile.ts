import { createLogger } from '@store/observability';
import { readConfig } from './config';
import { openStores } from './dependencies';
import { reconcile, type Drift } from './domain/reconcile.use-case';

/** `npm run reconcile -w services/projector`: prints the drift between MySQL and the projection; exit 1 if any. */
async function main(): Promise<number> {
  const config = readConfig();
  const logger = createLogger('projector-reconcile');
  const stores = openStores(config, logger);
  try {
    const report = await reconcile({ mysql: stores.mysqlTotals, projection: stores.projectionTotals });
    const lines = [
      ...report.users.map((drift) => describe('user', drift, 'cents')),
      ...report.products.map((drift) => describe('product', drift, 'units')),
      `drift: ${report.mismatches} mismatched entries, ${report.absoluteDifference} total absolute difference`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return report.mismatches === 0 ? 0 : 1;
  } catch (error) {
    logger.error({ err: error }, 'reconciliation failed');
    return 2;
  } finally {
    await stores.close();
  }
}

const describe = (what: string, drift: Drift, unit: string): string =>
  `${what} ${drift.id}: mysql ${drift.expected} ${unit}, projection ${drift.actual} ${unit} ` +
  `(difference ${drift.actual - drift.expected})`;

void main().then((code) => process.exit(code));
