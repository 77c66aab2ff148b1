import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, type Program } from 'acorn';
import { SCENARIOS_DIR, scenarioNames } from './catalog';

/*
 * The k6 scripts must run in any k6 from 0.48 on, offline: plain ES2017 (acorn at ecmaVersion 2017 refuses `?.`,
 * `??`, class fields, object spread, optional catch binding, dynamic import) and imports of k6's own modules or
 * of files beside them only. acorn is the parser under ESLint (espree), hoisted to the root node_modules.
 */
const K6_DIR = join(SCENARIOS_DIR, '../k6');

function scriptsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? scriptsUnder(join(dir, entry.name))
      : entry.name.endsWith('.js')
        ? [join(dir, entry.name)]
        : [],
  );
}

const parseEs2017 = (file: string): Program =>
  parse(readFileSync(file, 'utf8'), { ecmaVersion: 2017, sourceType: 'module', locations: true });

const importsOf = (program: Program): string[] =>
  program.body.flatMap((node) => (node.type === 'ImportDeclaration' ? [String(node.source.value)] : []));

const SCRIPTS = scriptsUnder(K6_DIR).map((file) => relative(K6_DIR, file));

describe('the k6 scripts', () => {
  test('When load/k6 is listed, then it has one script per scenario, the smoke test and the scenario-file runner', () => {
    const topLevel = SCRIPTS.filter((script) => !script.includes('/')).sort();
    expect(topLevel).toEqual(
      [...scenarioNames(), 'smoke', 'scenario-file'].map((name) => `${name}.js`).sort(),
    );
  });

  test.each(scenarioNames())('When scenario %s is run by k6, then its script opens its own JSON', (name) => {
    const source = readFileSync(join(K6_DIR, `${name}.js`), 'utf8');
    const opened = [...source.matchAll(/open\('([^']+)'\)/g)].map((match) => match[1]);
    expect(opened).toEqual([`../scenarios/${name}.json`]);
    expect(importsOf(parseEs2017(join(K6_DIR, `${name}.js`)))).toEqual(['./lib/scenario.js']);
  });

  test.each(SCRIPTS)('When %s is parsed as ES2017, then it parses (no newer syntax)', (script) => {
    expect(() => parseEs2017(join(K6_DIR, script))).not.toThrow();
  });

  test.each(SCRIPTS)('When %s imports, then only k6 modules or files beside it, never a URL', (script) => {
    const source = readFileSync(join(K6_DIR, script), 'utf8');
    for (const imported of importsOf(parseEs2017(join(K6_DIR, script)))) {
      expect(imported).toMatch(/^(k6(\/[a-z]+)?|\.\.?\/[a-z/.-]+\.js)$/);
    }
    expect(source).not.toMatch(/\brequire\s*\(/);
  });

  test('When newer syntax is written, then the ES2017 parse refuses it (the check above means something)', () => {
    const refused = [
      'a?.b;',
      'a ?? b;',
      'class A { x = 1 }',
      'const o = { ...p };',
      'try {} catch {}',
      "import('x');",
    ];
    for (const source of refused) {
      expect(() => parse(source, { ecmaVersion: 2017, sourceType: 'module' })).toThrow();
    }
    expect(() => parse('const [a, ...rest] = [1, 2]; f(...rest);', { ecmaVersion: 2017 })).not.toThrow();
  });
});
