import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario, type RunOptions, type ScenarioResult } from '../runner/run-scenario';
import type { Scenario } from '../scenarios/schema';
import { findK6, k6Command, runK6 } from './k6-command';
import { k6ScenarioResult, type K6Summary } from './k6-result';

export type Generator = 'k6' | 'runner';

export interface LoadOptions {
  baseUrl: string;
  /** Where k6's files go (summary, CSV, dashboard report); `name` starts their names. */
  outDir: string;
  name: string;
  say: (text: string) => void;
  progress?: RunOptions['progress'];
}

/** The generator this machine has: k6 when it is on the PATH, else the project's runner. */
export function generatorHere(env: NodeJS.ProcessEnv = process.env): Generator {
  return findK6(env) ? 'k6' : 'runner';
}

/** Runs the scenario with k6 where it is on the PATH, else with the project's runner (and its live progress line). */
export async function runLoad(
  scenario: Scenario,
  options: LoadOptions,
): Promise<{ result: ScenarioResult; generator: Generator; dashboard?: string }> {
  const k6 = findK6();
  if (!k6) {
    const result = await runScenario(scenario, {
      baseUrl: options.baseUrl,
      ...(options.progress !== undefined ? { progress: options.progress } : {}),
    });
    return { result, generator: 'runner' };
  }
  mkdirSync(options.outDir, { recursive: true });
  const scenarioFile = join(options.outDir, `${options.name}-scenario.json`);
  writeFileSync(scenarioFile, JSON.stringify(scenario, null, 2));
  const command = k6Command({
    k6,
    scenarioFile,
    baseUrl: options.baseUrl,
    outDir: options.outDir,
    name: options.name,
  });
  await runK6(command, options.say);
  const summary = JSON.parse(readFileSync(command.summaryPath, 'utf8')) as K6Summary;
  const result = k6ScenarioResult(scenario, options.baseUrl, summary, readFileSync(command.csvPath, 'utf8'));
  // Named only when k6 wrote it (it does not for a run shorter than one dashboard period).
  return {
    result,
    generator: 'k6',
    dashboard: existsSync(command.dashboardPath) ? command.dashboardPath : undefined,
  };
}
