/*
 * Small readers of the project's Markdown, for the documentation checks: code (inline spans and fenced blocks),
 * sections, links and GitHub's heading anchors, the `npm` commands and the environment switches a document names.
 * Only code counts as a command or a switch: prose may talk about them freely.
 */

export interface FencedBlock {
  lang: string;
  lines: string[];
}

const FENCE = /^(\s*)```([\w-]*)\s*$/;

/** Fenced blocks in order, and the text outside them (where inline spans and links live). */
export function splitFences(markdown: string): { blocks: FencedBlock[]; prose: string } {
  const blocks: FencedBlock[] = [];
  const prose: string[] = [];
  let open: FencedBlock | undefined;
  for (const line of markdown.split('\n')) {
    const fence = FENCE.exec(line);
    if (open) {
      if (fence && fence[2] === '') {
        blocks.push(open);
        open = undefined;
      } else open.lines.push(line);
    } else if (fence) open = { lang: fence[2] ?? '', lines: [] };
    else prose.push(line);
  }
  return { blocks, prose: prose.join('\n') };
}

/** The text of every inline code span outside fenced blocks. */
export function inlineCode(markdown: string): string[] {
  return [...splitFences(markdown).prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
}

/** Every piece of code a reader could copy: inline spans and the lines of fenced blocks (diagrams are not code). */
export function codeTexts(markdown: string): string[] {
  const blocks = splitFences(markdown).blocks.filter((block) => block.lang !== 'mermaid');
  return [...inlineCode(markdown), ...blocks.flatMap((block) => block.lines)];
}

/** The body of the first section whose heading starts with `heading` (e.g. '## Tests'), up to the next one. */
export function section(markdown: string, heading: string): string | undefined {
  const level = /^#+/.exec(heading)![0].length;
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => {
    const hashes = /^(#+)\s/.exec(line)?.[1];
    return hashes !== undefined && hashes.length <= level;
  });
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

export function anchors(markdown: string): Set<string> {
  const headings = splitFences(markdown).prose.matchAll(/^#{1,6}\s+(.+)$/gm);
  return new Set([...headings].map((match) => anchorOf(match[1]!)));
}

/** Targets of inline links and images that point into the repository (no scheme, no mail). */
export function relativeLinks(markdown: string): string[] {
  const prose = splitFences(markdown).prose.replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

export interface NpmCommand {
  /** What was written, for messages. */
  text: string;
  script: string;
  /** `-w`/`--workspace` values; '<...>' placeholders are kept for the caller to expand. */
  workspaces: string[];
  allWorkspaces: boolean;
}

const NPM_ALIASES = new Set(['start', 'stop', 'test', 'restart']);

/** The `npm run <script>` / `npm start|stop|test|restart` commands of one piece of code. */
export function npmCommands(code: string): NpmCommand[] {
  const commands: NpmCommand[] = [];
  for (const segment of code.replace(/\s#.*$/, '').split(/&&|\|\||[;|\n]/)) {
    // Trailing punctuation of prose around a command ("…, npm run traces.") is not part of it.
    const words = segment
      .trim()
      .split(/\s+/)
      .map((word) => word.replace(/[.,:;)\]"']+$/, ''));
    const at = words.indexOf('npm');
    if (at < 0) continue;
    const args = words.slice(at + 1);
    const end = args.indexOf('--');
    const own = end < 0 ? args : args.slice(0, end);
    const positional: string[] = [];
    const workspaces: string[] = [];
    let allWorkspaces = false;
    for (let i = 0; i < own.length; i++) {
      const word = own[i]!;
      if (word === '-w' || word === '--workspace') workspaces.push(own[++i] ?? '');
      else if (word.startsWith('--workspace=')) workspaces.push(word.slice('--workspace='.length));
      else if (word === '-ws' || word === '--workspaces') allWorkspaces = true;
      else if (!word.startsWith('-')) positional.push(word);
    }
    const [verb, name] = positional;
    const script =
      verb === 'run' || verb === 'run-script' ? name : NPM_ALIASES.has(verb ?? '') ? verb : undefined;
    if (script) commands.push({ text: segment.trim(), script, workspaces, allWorkspaces });
  }
  return commands;
}

const ASSIGNMENT = /(?<![\w.$-])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)=/g;
const UNDERSCORED = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const IDENTIFIER = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** Rows of the Markdown tables whose first column is headed "variable" or "switch": their first cells. */
function switchTableKeys(markdown: string): string[] {
  const keys: string[] = [];
  let inSwitchTable = false;
  for (const line of splitFences(markdown).prose.split('\n')) {
    if (!line.trimStart().startsWith('|')) {
      inSwitchTable = false;
      continue;
    }
    const first = line.split('|')[1]?.trim() ?? '';
    if (/^(variable|switch)(es)?$/i.test(first)) inSwitchTable = true;
    else if (inSwitchTable && !/^:?-+:?$/.test(first)) keys.push(first);
  }
  return keys.flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
}

/**
 * The environment switches a document names: every `NAME=` in code, every code span that is a whole
 * UPPER_CASE_WITH_UNDERSCORE name, and the names in the first column of its switch tables. `notSwitches` are
 * upper-case words of another kind (the API's error codes).
 */
export function envSwitches(markdown: string, notSwitches: ReadonlySet<string>): Set<string> {
  const names = new Set<string>();
  for (const code of codeTexts(markdown))
    for (const match of code.matchAll(ASSIGNMENT)) if (match[1]!.length > 1) names.add(match[1]!);
  for (const span of inlineCode(markdown)) if (UNDERSCORED.test(span.trim())) names.add(span.trim());
  for (const key of switchTableKeys(markdown)) if (IDENTIFIER.test(key.trim())) names.add(key.trim());
  for (const word of notSwitches) names.delete(word);
  return names;
}
