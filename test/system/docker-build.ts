import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

/*
 * Just enough of `docker build` to run an image's build steps without a Docker engine: the Dockerfile's stages
 * are read (COPY, RUN, WORKDIR, ENV, ARG, CMD; shell form only), the build context is filtered by
 * .dockerignore as Docker does (last matching rule wins, `!` re-includes, a directory rule covers what is
 * below it), and each stage is laid out in its own folder, where a container path /x is <folder>/x.
 */

export type Instruction = { keyword: string; args: string };
export type Stage = { name: string; instructions: Instruction[] };

export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const stages: Stage[] = [];
  for (const line of lines.map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const alias = /\sAS\s+(\S+)$/i.exec(line)?.[1];
      stages.push({ name: alias ?? String(stages.length), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** Returns whether a context-relative path is left out of the build context. */
export function parseDockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const pattern = line.replace(/^!/, '').replace(/^\/+/, '').replace(/\/+$/, '');
      return { include, matches: new RegExp(`^${globToRegExp(pattern)}(/.*)?$`) };
    });
  return (path) => {
    let excluded = false;
    for (const rule of rules) if (rule.matches.test(path)) excluded = !rule.include;
    return excluded;
  };
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    if (glob.startsWith('**/', i)) {
      out += '(.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (glob[i] === '*') out += '[^/]*';
    else if (glob[i] === '?') out += '[^/]';
    else out += glob[i]!.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** Copies one context path (file or folder) to dest, leaving out what .dockerignore excludes. */
function copyFromContext(context: string, source: string, dest: string, ignored: (p: string) => boolean) {
  const from = join(context, source);
  if (!existsSync(from)) throw new Error(`COPY ${source}: not in the build context`);
  if (statSync(from).isDirectory()) {
    for (const entry of readdirSync(from)) {
      copyFromContext(context, join(source, entry), join(dest, entry), ignored);
    }
  } else if (!ignored(source)) {
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(from, dest);
  }
}

export interface StageRun {
  context: string;
  ignored: (path: string) => boolean;
  /** Folder of each stage already run, by stage name (for COPY --from). */
  stageRoots: Record<string, string>;
  root: string;
  buildArgs?: Record<string, string>;
  /** Rewrites or drops (returns undefined) one `&&`-separated part of a RUN command before it runs. */
  adaptCommand?: (command: string) => string | undefined;
}

export interface StageResult {
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
}

const substitute = (text: string, vars: Record<string, string>) =>
  text.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (whole, name: string) => vars[name] ?? whole);

/** Lays out and runs one stage; throws with the command's output when a RUN step fails. */
export function runStage(stage: Stage, run: StageRun): StageResult {
  const vars: Record<string, string> = { ...run.buildArgs };
  const env: Record<string, string> = {};
  let workdir = run.root;
  let cmd: string[] = [];
  mkdirSync(workdir, { recursive: true });
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') {
      workdir = join(run.root, args);
      mkdirSync(workdir, { recursive: true });
    } else if (keyword === 'ARG') {
      const [name = '', value] = args.split('=');
      vars[name] ??= value ?? '';
    } else if (keyword === 'ENV') {
      for (const [, name = '', value = ''] of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g)) {
        env[name] = substitute(value, vars);
      }
    } else if (keyword === 'COPY') {
      copy(substitute(args, vars), workdir, run);
    } else if (keyword === 'RUN') {
      execute(args, workdir, { ...vars, ...env }, run.adaptCommand);
    } else if (keyword === 'CMD') {
      cmd = JSON.parse(args) as string[];
    }
  }
  return { workdir, env, cmd };
}

function copy(args: string, workdir: string, run: StageRun) {
  const words = args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  const target = paths.pop()!;
  const dest = isAbsolute(target) ? join(run.root, target) : join(workdir, target);
  const intoFolder = target.endsWith('/') || paths.length > 1;
  for (const source of paths) {
    const stageRoot = from === undefined ? run.context : run.stageRoots[from];
    if (stageRoot === undefined) throw new Error(`COPY --from=${from}: that stage has not run`);
    // As Docker does: a folder's contents go into dest; files go into dest/ when it names a folder.
    const to = intoFolder && !isDirectory(join(stageRoot, source)) ? join(dest, basename(source)) : dest;
    if (from === undefined) copyFromContext(run.context, source, to, run.ignored);
    else cpSync(join(stageRoot, source), to, { recursive: true });
  }
}

const isDirectory = (path: string) => existsSync(path) && statSync(path).isDirectory();

function execute(
  command: string,
  cwd: string,
  env: Record<string, string>,
  adapt: StageRun['adaptCommand'] = (c) => c,
) {
  const parts = command.split('&&').map((part) => adapt(part.trim()));
  const script = parts.filter((part) => part !== undefined).join(' && ');
  if (/(^|\s)\/(?!dev\/null)\w/.test(script)) {
    throw new Error(`RUN ${script}: absolute paths would reach outside the laid-out image`);
  }
  // A container's environment, not this process's: PATH and HOME (the npm cache) only, plus the stage's own, and
  // the machine's extra CA certificates (npm on the project's Node, which has only its bundled ones, must trust
  // what the machine's registry access is signed with, as a container on that machine would be given).
  const trust = process.env.NODE_EXTRA_CA_CERTS
    ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }
    : {};
  const processEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...trust, ...env };
  const result = spawnSync('sh', ['-c', script], {
    cwd,
    env: processEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `RUN ${script} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
    );
  }
}
