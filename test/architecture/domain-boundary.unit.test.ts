import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/*
 * In every service the domain is rules and use cases over ports: no ORM, driver, broker or web framework, and no
 * reach into the layers that implement the ports. '@store/service-kit' itself loads Express, mysql2 and ioredis;
 * its '/errors' entry does not. Import lines are read as text, so type-only imports count too. One test over the
 * three services, so that a fourth layer or a new service is held to the same rule.
 */
const SERVICES = resolve(__dirname, '../../services');
const SERVICE_NAMES = ['orders-write', 'projector', 'reports-read'];

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

/** `source`: the service's src/, against which a relative import's layer is told. */
function violation(source: string, file: string, specifier: string): string | null {
  if (specifier.startsWith('.')) {
    const layer = relative(source, resolve(file, '..', specifier)).split(/[\\/]/)[0]!;
    return FORBIDDEN_LAYERS.includes(layer) ? `reaches into ${layer}/` : null;
  }
  if (FORBIDDEN_PACKAGE_ROOTS.includes(specifier)) return 'loads the whole package';
  return FORBIDDEN_PACKAGES.some((pattern) => pattern.test(specifier)) ? 'is infrastructure' : null;
}

describe('The domain of every service', () => {
  it('The services are the three this test covers', () => {
    const found = readdirSync(SERVICES, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(found.map((entry) => entry.name).sort()).toEqual(SERVICE_NAMES);
  });

  it.each(SERVICE_NAMES)(
    'When the domain files of %s are read, then none imports the ORM, a driver, Express or another layer',
    (service) => {
      const source = join(SERVICES, service, 'src');
      const domain = join(source, 'domain');
      const files = sourceFiles(domain);
      expect(files.length).toBeGreaterThan(2);
      const found = files.flatMap((file) =>
        specifiers(readFileSync(file, 'utf8')).flatMap((specifier) => {
          const why = violation(source, file, specifier);
          return why ? [`${relative(domain, file)}: '${specifier}' ${why}`] : [];
        }),
      );
      expect(found).toEqual([]);
    },
  );

  it('When an import line names a forbidden module, then the check sees it', () => {
    const source = join(SERVICES, 'orders-write', 'src');
    const file = join(source, 'domain', 'example.ts');
    const text = [
      "import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';",
      "import type { Database } from '../data-access/database';",
      "import {\n  AppError,\n  notFound,\n} from '@store/service-kit';",
      "export { Router } from 'express';",
      "const mysql = require('mysql2/promise');",
      "import { AppError as Fine } from '@store/service-kit/errors';",
      "import { toCents } from './money';",
    ].join('\n');
    const verdicts = Object.fromEntries(
      specifiers(text).map((name) => [name, violation(source, file, name)]),
    );
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
