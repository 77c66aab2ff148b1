import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

export interface DocumentCheck {
  valid: boolean;
  /** The validator's own report (JSON text): which part of the document breaks the OpenAPI schema. */
  report: string;
}

/**
 * Validates a document against the official OpenAPI schema of its version (@seriousme/openapi-schema-validator,
 * Fastify's). That package is ESM only and Jest on Node 20 cannot load ESM from CommonJS, so its own CLI runs in a
 * child process: the same check from a test, a script or a terminal.
 */
export function checkDocument(file: string): DocumentCheck {
  const cli = join(
    dirname(require.resolve('@seriousme/openapi-schema-validator/package.json')),
    'bin/validate-api-cli.js',
  );
  const run = spawnSync(process.execPath, [cli, file], { encoding: 'utf8', timeout: 60_000 });
  return { valid: run.status === 0, report: `${run.stdout}${run.stderr}`.trim() };
}
