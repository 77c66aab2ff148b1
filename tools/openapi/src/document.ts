import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@store/service-kit/repo-root';

/** The contract's one source, docs/api/openapi.yaml. */
export const OPENAPI_FILE = join(repoRoot(), 'docs', 'api', 'openapi.yaml');

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** The parts of an OpenAPI 3.1 document the tools read; the rest is kept as plain data. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
}

export interface OperationObject {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

export interface Operation {
  method: (typeof HTTP_METHODS)[number];
  /** The path template, e.g. /users/{id}. */
  path: string;
  /** JSON pointer of the operation inside the document. */
  pointer: string;
  operation: OperationObject;
  /** The path item's parameters followed by the operation's own. */
  parameters: unknown[];
}

export function loadDocument(file = OPENAPI_FILE): OpenApiDocument {
  return parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

export function listOperations(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method] !== undefined).map((method) => {
      const operation = item[method] as OperationObject;
      return {
        method,
        path,
        pointer: toPointer(['paths', path, method]),
        operation,
        parameters: [...((item.parameters as unknown[]) ?? []), ...(operation.parameters ?? [])],
      };
    }),
  );
}

export const toPointer = (segments: string[]): string =>
  `/${segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

/** Follows a local `$ref` ("#/components/...") chain; returns the object and its pointer. */
export function follow(
  document: OpenApiDocument,
  node: unknown,
  pointer: string,
): { node: Record<string, unknown>; pointer: string } {
  let current = node as Record<string, unknown>;
  let at = pointer;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (hops > 20 || !ref.startsWith('#/')) throw new Error(`cannot follow $ref ${ref}`);
    at = ref.slice(1);
    const target = at
      .slice(1)
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((parent, key) => (parent as Record<string, unknown> | undefined)?.[key], document);
    if (target === undefined || target === null) throw new Error(`$ref ${ref} points at nothing`);
    current = target as Record<string, unknown>;
  }
  return { node: current, pointer: at };
}
