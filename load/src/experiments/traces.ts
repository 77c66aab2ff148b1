import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './stack';
import { spawn } from 'node:child_process';

export interface TracesBreakdown {
  /** breakdown.md of `npm run traces`, without its title. */
  markdown: string;
  files: string[];
}

/**
 * `npm run traces` on a stopped configuration's stack folder (the sink's trace files and the gateway's access
 * log stay there): run as its own process (tools/traces is another project, and its CLI is the tested path).
 * Undefined, with the reason, when it finds nothing or fails.
 */
export async function tracesBreakdown(
  stackDir: string,
  out: string,
  timeoutMs = 90_000,
): Promise<{ breakdown?: TracesBreakdown; problem?: string }> {
  const cli = join(REPO_ROOT, 'tools/traces/dist/src/cli.js');
  if (!existsSync(cli)) return { problem: `${cli} is missing (build first)` };
  const logs = join(stackDir, 'logs');
  const args = [cli, '--dir', join(logs, 'traces'), '--access-log', join(logs, 'nginx-access.log')];
  const result = await new Promise<{ status: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [...args, '--out', out], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
  const markdown = join(out, 'breakdown.md');
  if (result.status !== 0 || !existsSync(markdown))
    return { problem: `npm run traces found nothing (exit ${result.status}): ${result.output.slice(-500)}` };
  const text = readFileSync(markdown, 'utf8').replace(/^# [^\n]*\n/, '');
  const files = ['breakdown.json', 'breakdown.md', 'breakdown.svg'].filter((file) =>
    existsSync(join(out, file)),
  );
  return { breakdown: { markdown: text.trim(), files } };
}
