import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/*
 * The domain is rules and use cases over ports: no ORM, driver, broker or web framework, and no reach into the
 * layers that implement the ports. '@store/service-kit' itself loads Express, mysql2 and ioredis; its
 * '/errors' entry does not. Import lines are read as text, so type-only imports count too.
 */
const DOMAIN = __dirname;
const SOURCE = resolve(DOMAIN, '..');

const FORBIDDEN_PACKAGES = [/^@mikro-orm\//, /^express$/, /^mysql2(\/|$)/, /^ioredis$/, /^amqplib$/];
const FORBIDDEN_PACKAGE_ROOTS = ['@store/service-kit', '@store/messaging'];
const FORBIDDEN_LAYERS = ['data-access', 'messaging', 'entry-points'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier: `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`, `require('x')`. */
function specifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}

function violation(file: string, specifier: string): string | null {
  if (specifier.startsWith('.')) {
    const layer = relative(SOURCE, resolve(file, '..', specifier)).split(/[\\/]/)[0]!;
    return FORBIDDEN_LAYERS.includes(layer) ? `reaches into ${layer}/` : null;
  }
  if (FORBIDDEN_PACKAGE_ROOTS.includes(specifier)) return 'loads the whole package';
  return FORBIDDEN_PACKAGES.some((pattern) => pattern.test(specifier)) ? 'is infrastructure' : null;
}

describe('The domain of orders-write', () => {
  it('When its files are read, then none imports the ORM, a driver, Express or the data-access layer', () => {
    // This file is left out: its own example below spells forbidden imports.
    const files = sourceFiles(DOMAIN).filter((file) => file !== __filename);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((file) =>
      specifiers(readFileSync(file, 'utf8')).flatMap((specifier) => {
        const why = violation(file, specifier);
        return why ? [`${relative(DOMAIN, file)}: '${specifier}' ${why}`] : [];
      }),
    );
    expect(found).toEqual([]);
  });

  it('When an import line names a forbidden module, then the check sees it', () => {
    const file = join(DOMAIN, 'example.ts');
    const source = [
      "import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';",
      "import type { Database } from '../data-access/database';",
      "import {\n  AppError,\n  notFound,\n} from '@store/service-kit';",
      "export { Router } from 'express';",
      "const mysql = require('mysql2/promise');",
      "import { AppError as Fine } from '@store/service-kit/errors';",
      "import { toCents } from './money';",
    ].join('\n');
    const verdicts = Object.fromEntries(specifiers(source).map((name) => [name, violation(file, name)]));
    expect(verdicts).toEqual({
      '@mikro-orm/core': 'is infrastructure',
      '../data-access/database': 'reaches into data-access/',
      '@store/service-kit': 'loads the whole package',
      express: 'is infrastructure',
      'mysql2/promise': 'is infrastructure',
      '@store/service-kit/errors': null,
      './money': null,
    });
  });
});
