import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { convertV2, type CollectionResult } from 'openapi-to-postmanv2';
import { OPENAPI_FILE } from './document';

/** Beside the document, so the gateway serves it too (/docs/store-manager.postman_collection.json). */
export const COLLECTION_FILE = join(dirname(OPENAPI_FILE), 'store-manager.postman_collection.json');

/** The parts of a Postman v2.1 collection the tools read. */
export interface PostmanItem {
  name: string;
  item?: PostmanItem[];
  request?: { method: string; url: { path?: string[]; host?: string[] } };
  response?: unknown[];
  id?: string;
}

export interface PostmanCollection {
  info: { _postman_id: string; name: string; schema: string };
  item: PostmanItem[];
  variable?: { key: string; value: string }[];
}

/**
 * The lab's Postman collection, converted from the OpenAPI document by Postman's own converter
 * (openapi-to-postmanv2, offline): one folder per tag, the document's examples as request values, {{baseUrl}} from
 * its server. Made reproducible so the committed file can be compared with a fresh conversion: the converter fakes
 * example answers and ids at random, so answers (the viewer shows them) and ids are left out and the collection id
 * comes from the document's text.
 */
export async function toPostmanCollection(documentText: string): Promise<PostmanCollection> {
  const converted = await new Promise<CollectionResult>((resolve, reject) => {
    convertV2(
      { type: 'string', data: documentText },
      { folderStrategy: 'Tags', parametersResolution: 'Example', enableOptionalParameters: false },
      (error, result) =>
        error || !result ? reject(new Error(error?.message ?? 'no result')) : resolve(result),
    );
  });
  const data = converted.output?.[0]?.data as PostmanCollection | undefined;
  if (!converted.result || !data)
    throw new Error(`conversion failed: ${converted.reason ?? 'no collection'}`);
  const collection = JSON.parse(JSON.stringify(data)) as PostmanCollection;
  collection.info._postman_id = uuidOf(documentText);
  collection.item = collection.item.map(withoutRandomParts);
  return collection;
}

function withoutRandomParts(item: PostmanItem): PostmanItem {
  const kept = { ...item };
  delete kept.id;
  delete kept.response;
  return kept.item ? { ...kept, item: kept.item.map(withoutRandomParts) } : kept;
}

function uuidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Every request of the collection as "METHOD /path/{param}", the path spelled as in the document. */
export function requestsOf(collection: { item: PostmanItem[] }): string[] {
  return collection.item.flatMap((item): string[] =>
    item.item
      ? requestsOf({ item: item.item })
      : item.request
        ? [
            `${item.request.method} /${(item.request.url.path ?? []).map((s) => s.replace(/^:(.+)$/, '{$1}')).join('/')}`,
          ]
        : [],
  );
}
