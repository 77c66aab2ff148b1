import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS_DIR } from './catalog';

/*
 * For tests: load/k6/lib/plan.js, draw.js and summary.js have no k6 import, so they run under Node, copied as .mjs (ES
 * modules whatever the package says) and driven by a snippet that prints JSON. k6's own parts (http, checks,
 * metrics) are exercised by test/e2e/k6.e2e.test.ts where a k6 binary exists.
 */
const LIB = join(SCENARIOS_DIR, '../k6/lib');

/** A seeded random source for the snippets (Lehmer), so draws are reproducible. */
export const SEEDED_RANDOM = `let seed = 42; const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;`;

/** The JSON a snippet printed; the tests read it field by field and their assertions are the type check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Printed = any;

/** Registers beforeAll/afterAll; `inNode(body, input)` runs `body` (which assigns `result`) and returns it. */
export function k6LibInNode(): { inNode: (body: string, input?: unknown) => Printed } {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'k6-lib-'));
    for (const module of ['plan', 'draw', 'summary'])
      copyFileSync(join(LIB, `${module}.js`), join(dir, `${module}.mjs`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const inNode = (body: string, input: unknown = null): Printed => {
    const driver = `import * as plan from './plan.mjs'; import * as draw from './draw.mjs';
      import * as summary from './summary.mjs';
      const input = JSON.parse(process.argv[1]); let result; ${body}
      process.stdout.write(JSON.stringify(result));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', driver, JSON.stringify(input)], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(run.stdout);
  };
  return { inNode };
}
