import { spawn } from 'node:child_process';
import { setTimeout as pause } from 'node:timers/promises';
import { repoRoot } from '@store/service-kit/repo-root';
import { httpWithFetch } from './answer';
import { formatResult, formatSummary, runSmoke, type K6Runner } from './checks';
import { readSettings, type SmokeSettings } from './settings';

/*
 * `npm run compose:smoke [-- --no-k6]`, after `docker compose up -d --wait`: prints PASS or FAIL per check as it
 * goes, a summary, and exits 1 when a check failed. The k6 check runs the compose k6 service with the read-write
 * scenario at a tenth of its length (`K6_SCRIPT` and the scales are compose variables, so they are set in the
 * environment of the compose command, not in the container's).
 */
const REPO_ROOT = repoRoot();
const K6_TAIL_CHARS = 1500;

function composeK6(settings: SmokeSettings): K6Runner {
  const [command = 'docker', ...composeArgs] = settings.compose;
  const args = [...composeArgs, '--profile', 'load', 'run', '--rm', 'k6'];
  const shown = `K6_SCRIPT=read-write.js K6_DURATION_SCALE=0.1 ${settings.compose.join(' ')} ${args.slice(composeArgs.length).join(' ')}`;
  return () =>
    new Promise((resolve) => {
      let output = '';
      const child = spawn(command, args, {
        cwd: REPO_ROOT,
        env: { ...process.env, K6_SCRIPT: 'read-write.js', K6_DURATION_SCALE: '0.1', K6_LOAD_SCALE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-K6_TAIL_CHARS);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (error) =>
        resolve({ ok: false, command: shown, detail: `could not run: ${error.message}` }),
      );
      child.on('close', (code) =>
        resolve(
          code === 0
            ? { ok: true, command: shown, detail: 'k6 exited 0 (thresholds met)' }
            : { ok: false, command: shown, detail: `k6 exited ${code}; the end of its output:\n${output}` },
        ),
      );
    });
}

async function main(): Promise<number> {
  const settings = readSettings(process.env, REPO_ROOT, process.argv.slice(2));
  const results = await runSmoke(settings, {
    http: httpWithFetch,
    runK6: settings.runK6 ? composeK6(settings) : undefined,
    pause: (ms) => pause(ms),
    onResult: (result) => process.stdout.write(`${formatResult(result)}\n`),
  });
  process.stdout.write(`\n${formatSummary(results)}\n`);
  return results.every((result) => result.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`compose smoke: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
