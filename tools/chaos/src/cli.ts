import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRILLS, type DrillContext } from './drills';
import { World } from './observe/world';
import { readOptions, UsageError, type ChaosOptions } from './options';
import { markdownReport, terminalTable, type DrillResult, type RunResults } from './results';
import { runDrill, type Carried } from './run-drill';
import { repoRoot } from '@store/service-kit/repo-root';
import { GATEWAY_URL, stackEnv, stackPaths, type StackPaths } from './settings';
import { Cleanup } from './stack/cleanup';
import { LocalStack } from './stack/local-stack';
import { ProxyProcess } from './stack/mysql-proxy';
import { RabbitNode } from './stack/rabbitmq-node';
import { RedisServer } from './stack/redis-server';
import { Witness } from './witness';

/*
 * `npm run chaos`: starts the chaos stack (its own Redis, RabbitMQ node and MySQL proxy, then the services through
 * infra/local/start.sh), runs every drill in turn, writes results/chaos-<time>/results.json and results.md,
 * prints the table, stops everything it started (also on failure and ctrl-C) and exits 1 if a drill failed.
 */

const log = (line: string) => {
  const time = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[chaos ${time}] ${line}\n`);
};

async function main(): Promise<number> {
  const root = repoRoot();
  let options: ChaosOptions;
  try {
    options = readOptions(
      process.argv.slice(2),
      root,
      DRILLS.map((drill) => drill.id),
    );
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    (error.exitCode === 0 ? process.stdout : process.stderr).write(`${error.message}\n`);
    return error.exitCode;
  }
  const drills = DRILLS.filter((drill) => !options.only || options.only.includes(drill.id));
  const paths = stackPaths(root);
  const cleanup = new Cleanup(log);
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping everything the run started`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const startedAt = new Date();
  log(
    `profile ${options.profile.name}: ${drills.length} drill(s), ${options.profile.users} users, ${options.profile.loadSeconds} s of load each`,
  );
  try {
    const context = await startEverything(paths, options, cleanup);
    const results: DrillResult[] = [];
    const carried: Carried = { seen: new Set() };
    for (const [index, drill] of drills.entries()) {
      log(`drill ${index + 1}/${drills.length}: ${drill.title}`);
      const result = await runDrill(drill, context, carried);
      results.push(result);
      log(
        `drill ${index + 1}/${drills.length}: ${result.passed ? 'PASS' : `FAIL (${result.failures.join('; ')})`}`,
      );
    }
    const run: RunResults = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      profile: options.profile.name,
      commit: gitCommit(root),
      passed: results.length > 0 && results.every((result) => result.passed),
      drills: results,
    };
    mkdirSync(options.out, { recursive: true });
    writeFileSync(join(options.out, 'results.json'), `${JSON.stringify(run, null, 2)}\n`);
    writeFileSync(join(options.out, 'results.md'), markdownReport(run));
    process.stdout.write(
      `\n${terminalTable(results)}\n\n${run.passed ? 'every drill passed' : 'FAILED'}: ${options.out}/results.md\n`,
    );
    return run.passed ? 0 : 1;
  } catch (error) {
    log(`the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    log('stopping the chaos stack, its Redis, RabbitMQ node and MySQL proxy');
    await cleanup.runAll();
  }
}

async function startEverything(
  paths: StackPaths,
  options: ChaosOptions,
  cleanup: Cleanup,
): Promise<DrillContext> {
  const env = stackEnv(paths);
  const stack = new LocalStack(paths, env, log);
  // A stack left by an interrupted run would hold the ports and talk to the wrong Redis: stopped first.
  await stack.stop();
  mkdirSync(paths.faults, { recursive: true });
  for (const file of readdirSync(paths.faults)) rmSync(join(paths.faults, file), { force: true });

  const redis = new RedisServer(paths);
  cleanup.add('redis', () => redis.stop());
  log('starting the chaos Redis');
  await redis.startFresh();
  const rabbit = new RabbitNode(paths);
  cleanup.add('rabbitmq', () => rabbit.stop());
  log('starting the chaos RabbitMQ node (chaos@localhost)');
  await rabbit.startFresh();
  const proxy = new ProxyProcess();
  cleanup.add('mysql proxy', () => proxy.stop());
  await proxy.start();
  cleanup.add('stack', () => stack.stop());
  log(`starting the stack (infra/local/start.sh, STACK_DIR=${paths.stackDir})`);
  await stack.start();
  log(`stack ready: gateway ${GATEWAY_URL}`);
  const world = new World();
  cleanup.add('store connections', () => world.close());
  return { paths, profile: options.profile, stack, world, witness: new Witness(), redis, rabbit, proxy, log };
}

function gitCommit(root: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`unexpected failure: ${String(error)}`);
    process.exit(1);
  },
);
