import express, { type Router } from 'express';
import type { Logger } from '@store/observability';

/** Named dependency checks for /health/ready; each resolves when its dependency answers. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

const READINESS_TIMEOUT_MS = 2000;

/** Which Node runs the process: a stack that started on an older runtime than .nvmrc says shows it here. */
const RUNTIME = { node: process.version };

export function healthRouter(checks: ReadinessChecks, logger: Logger): Router {
  const router = express.Router();
  router.get('/health-check', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/health/live', (_req, res) => void res.json({ status: 'ok', ...RUNTIME }));
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await probe(check)] as const),
    );
    const failed = results.filter(([, outcome]) => outcome !== 'ok');
    const body = {
      status: failed.length ? 'unavailable' : 'ok',
      ...RUNTIME,
      checks: Object.fromEntries(results),
    };
    if (!failed.length) {
      res.json(body);
      return;
    }
    logger.warn({ checks: body.checks }, 'not ready');
    res.status(503).json({
      ...body,
      error: `dependency unavailable: ${failed.map(([name]) => name).join(', ')}`,
      code: 'UNAVAILABLE',
      details: failed.map(([dependency, reason]) => ({ dependency, reason })),
    });
  });
  return router;
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)),
      READINESS_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
