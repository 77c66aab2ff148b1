import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest package.json with workspaces above `from` (default: this file), so it holds
 * from src/ and from dist/src/ alike, for the tools that read the repository's scripts, scenarios and stacks.
 */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object))
      return dir;
  }
  return process.cwd();
}
