import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@store/service-kit/repo-root';
import { scenarioProblems } from './consistency';
import { type Scenario, scenarioSchema } from './schema';

/** load/scenarios/, from the sources and from the build alike. */
export const SCENARIOS_DIR = join(repoRoot(), 'load', 'scenarios');

export function scenarioNames(dir = SCENARIOS_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Parses and checks one scenario's JSON text; `expectedName` is its file name, which must be its name. */
export function parseScenario(text: string, expectedName: string): Scenario {
  const parsed = scenarioSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `scenario ${expectedName}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const problems = scenarioProblems(parsed.data);
  if (parsed.data.name !== expectedName) problems.unshift(`its name is "${parsed.data.name}"`);
  if (problems.length > 0) throw new Error(`scenario ${expectedName}: ${problems.join('; ')}`);
  return parsed.data;
}

/** load/scenarios/<name>.json, validated by the schema and the consistency rules. */
export function loadScenario(name: string, dir = SCENARIOS_DIR): Scenario {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`no such scenario: "${name}"`);
  let text: string;
  try {
    text = readFileSync(join(dir, `${name}.json`), 'utf8');
  } catch {
    throw new Error(`no such scenario: "${name}" (known: ${scenarioNames(dir).join(', ')})`);
  }
  return parseScenario(text, name);
}
