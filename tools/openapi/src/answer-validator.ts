import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { follow, listOperations, toPointer, type OpenApiDocument, type Operation } from './document';

/** One real HTTP answer, as a test received it. */
export interface Answer {
  method: string;
  /** Path and query as requested, e.g. /orders?limit=5 */
  url: string;
  status: number;
  headers: Headers | Record<string, string>;
  /** Parsed JSON, or the text when the answer was not JSON. */
  body: unknown;
}

export interface AnswerValidator {
  /** What in this answer the document does not allow; empty when it matches. */
  problems(answer: Answer): string[];
  /** "operationId status" of every answer checked so far, to show what a test run covered. */
  readonly checked: ReadonlySet<string>;
  readonly operations: readonly Operation[];
}

const DOCUMENT_ID = 'urn:store-manager:openapi';

/**
 * Checks answers against the document: the operation (method and path template), the status among its documented
 * responses, each documented header (present when required, value matching its schema) and the JSON body against
 * the response schema. OpenAPI 3.1 schemas are JSON Schema 2020-12, so Ajv2020 reads them as they are; the whole
 * document is one Ajv schema so that every "#/components/..." reference resolves.
 */
export function answerValidator(document: OpenApiDocument): AnswerValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();
  const schemaAt = (pointer: string): ValidateFunction => {
    let validate = compiled.get(pointer);
    if (!validate) {
      const fragment = pointer.split('/').map(encodeURIComponent).join('/');
      validate = ajv.getSchema(`${DOCUMENT_ID}#${fragment}`);
      if (!validate) throw new Error(`no schema at ${pointer}`);
      compiled.set(pointer, validate);
    }
    return validate;
  };
  const operations = listOperations(document);
  const routes = operations
    .map((operation) => ({ operation, pattern: templatePattern(operation.path) }))
    // A literal path wins over a template that also matches it (/stocks/reports/overview-stocks, /stocks/{id}).
    .sort((a, b) => placeholders(a.operation.path) - placeholders(b.operation.path));
  const checked = new Set<string>();

  const problems = (answer: Answer): string[] => {
    const method = answer.method.toLowerCase();
    const path = answer.url.split('?')[0] ?? '';
    const route = routes.find((r) => r.operation.method === method && r.pattern.test(path));
    if (!route) return [`${answer.method} ${path}: no such operation in the document`];
    const { operation } = route;
    const where = `${operation.operation.operationId} ${answer.status}`;
    const status = String(answer.status);
    const documented = operation.operation.responses[status] ?? operation.operation.responses.default;
    if (documented === undefined) return [`${where}: status not documented`];
    checked.add(where);
    const base = `${operation.pointer}/responses/${toPointer([status]).slice(1)}`;
    const response = follow(document, documented, base);
    return [
      ...headerProblems(document, response, readHeaders(answer.headers), schemaAt),
      ...bodyProblems(response, answer, schemaAt),
    ].map((problem) => `${where}: ${problem}`);
  };
  return { problems, checked, operations };
}

type SchemaAt = (pointer: string) => ValidateFunction;
type Resolved = ReturnType<typeof follow>;

function headerProblems(
  document: OpenApiDocument,
  response: Resolved,
  headers: Map<string, string>,
  schemaAt: SchemaAt,
): string[] {
  const declared = (response.node.headers ?? {}) as Record<string, unknown>;
  return Object.entries(declared).flatMap(([name, header]) => {
    const resolved = follow(document, header, `${response.pointer}/headers/${toPointer([name]).slice(1)}`);
    const value = headers.get(name.toLowerCase());
    if (value === undefined) return resolved.node.required === true ? [`header ${name} missing`] : [];
    const validate = schemaAt(`${resolved.pointer}/schema`);
    return validate(value) ? [] : [`header ${name}: ${JSON.stringify(value)} ${describe(validate)}`];
  });
}

function bodyProblems(response: Resolved, answer: Answer, schemaAt: SchemaAt): string[] {
  const content = response.node.content as Record<string, unknown> | undefined;
  if (!content?.['application/json']) return [];
  const contentType = readHeaders(answer.headers).get('content-type') ?? '';
  if (!contentType.includes('application/json')) return [`content-type ${contentType || '(none)'}, not JSON`];
  const validate = schemaAt(`${response.pointer}/content/application~1json/schema`);
  return validate(answer.body) ? [] : [`body ${describe(validate)}`];
}

const describe = (validate: ValidateFunction): string =>
  (validate.errors ?? [])
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`)
    .join('; ');

function readHeaders(headers: Headers | Record<string, string>): Map<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return new Map(entries.map(([name, value]) => [name.toLowerCase(), value]));
}

const placeholders = (template: string): number => (template.match(/\{[^}]+\}/g) ?? []).length;

function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}
