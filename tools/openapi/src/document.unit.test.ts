import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkDocument } from './document-check';
import { listOperations, loadDocument, OPENAPI_FILE } from './document';

describe('docs/api/openapi.yaml', () => {
  const document = loadDocument();

  it('When checked against the OpenAPI 3.1 schema, then it is valid', () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(checkDocument(OPENAPI_FILE)).toEqual({ valid: true, report: expect.any(String) });
  });

  it('When a document breaks the OpenAPI schema, then the check says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const broken = join(dir, 'broken.yaml');
      const withoutInfo: Record<string, unknown> = { ...document };
      delete withoutInfo.info;
      writeFileSync(broken, stringify({ ...withoutInfo, paths: { '/x': { get: { responses: 'none' } } } }));
      const check = checkDocument(broken);
      expect(check.valid).toBe(false);
      expect(check.report).toContain('info');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('When read, then every operation has a unique operationId and documents 500 and 503', () => {
    const operations = listOperations(document).filter((op) => op.path !== '/health-check');
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation } of operations)
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['500', '503']));
  });
});
