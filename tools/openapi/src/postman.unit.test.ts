import { readFileSync } from 'node:fs';
import { listOperations, loadDocument, OPENAPI_FILE } from './document';
import { COLLECTION_FILE, requestsOf, toPostmanCollection, type PostmanCollection } from './postman';

describe('The Postman collection generated from the OpenAPI document', () => {
  const documentText = readFileSync(OPENAPI_FILE, 'utf8');
  const operations = listOperations(loadDocument()).map(
    ({ method, path }) => `${method.toUpperCase()} ${path}`,
  );

  it('When converted, then it has one request for every operation of the document, against {{baseUrl}}', async () => {
    const collection = await toPostmanCollection(documentText);

    expect(requestsOf(collection).sort()).toEqual([...operations].sort());
    expect(collection.variable).toEqual([
      expect.objectContaining({ key: 'baseUrl', value: 'http://127.0.0.1:8080' }),
    ]);
    expect(collection.item.map((folder) => folder.name)).toEqual([
      'users',
      'products',
      'stocks',
      'orders',
      'reports',
      'health',
    ]);
  });

  it('When converted twice, then both collections are the same (the committed file can be checked)', async () => {
    expect(await toPostmanCollection(documentText)).toEqual(await toPostmanCollection(documentText));
  });

  it('When the committed collection is compared with a fresh conversion, then it is up to date (npm run postman)', async () => {
    const committed = JSON.parse(readFileSync(COLLECTION_FILE, 'utf8')) as PostmanCollection;
    expect(committed).toEqual(await toPostmanCollection(documentText));
  });

  it('When an operation is missing from a collection, then the coverage check notices', async () => {
    const collection = await toPostmanCollection(documentText);
    const orders = collection.item.find((folder) => folder.name === 'orders')!;
    orders.item = orders.item!.slice(1);

    expect(requestsOf(collection).sort()).not.toEqual([...operations].sort());
  });
});
