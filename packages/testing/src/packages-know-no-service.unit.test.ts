import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEAD_LETTER_QUEUE, PROJECTOR_QUEUE } from '@store/contracts';

/*
 * The house rule "shared packages know no service": no package's code (comments included) names a service, a
 * service's queue or one of a service's own error codes; each service declares its own and passes them in.
 * packages/contracts is the exception by design: it is where the services' shared names (exchange, queues,
 * routing keys) are declared once (STYLE.md). Tests are left out: they may build whatever fixtures they need.
 */
const ROOT = join(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|lua)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

const services = readdirSync(join(ROOT, 'services'));
/** Each service's own codes: the tables it gives service-kit's serviceErrors (`*_ERROR_STATUS = { CODE: 409 }`). */
const serviceCodes = services.flatMap((service) =>
  sourceFiles(join(ROOT, 'services', service, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/_ERROR_STATUS = \{([^}]*)\}/g)].flatMap(([, table]) =>
      [...table!.matchAll(/\b([A-Z][A-Z_]+):/g)].map(([, code]) => code!),
    ),
  ),
);
const packageFiles = readdirSync(join(ROOT, 'packages'))
  .filter((name) => name !== 'contracts')
  .flatMap((name) => sourceFiles(join(ROOT, 'packages', name, 'src')));

describe('Shared packages know no service', () => {
  test('When the names to look for are gathered, then there are services, their queues and their own codes', () => {
    expect(services.length).toBeGreaterThanOrEqual(3);
    expect(serviceCodes.length).toBeGreaterThan(0);
    expect(packageFiles.length).toBeGreaterThan(10);
  });

  test("When the packages' code is read, then it names no service, service queue or service error code", () => {
    const names = [...services, PROJECTOR_QUEUE, DEAD_LETTER_QUEUE, 'PROJECTOR_QUEUE', ...serviceCodes];
    const found = packageFiles.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return names
        .filter((name) =>
          new RegExp(`(?<![\\w.-])${name.replace(/[.-]/g, '\\$&')}(?![\\w-])`, 'i').test(text),
        )
        .map((name) => `${relative(ROOT, file)}: ${name}`);
    });

    expect(found).toEqual([]);
  });
});
