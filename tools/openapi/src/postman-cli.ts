import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { checkDocument } from './document-check';
import { OPENAPI_FILE } from './document';
import { COLLECTION_FILE, requestsOf, toPostmanCollection } from './postman';

/** npm run postman: writes the lab's Postman collection from the OpenAPI document, refusing an invalid document. */
async function main(): Promise<void> {
  const check = checkDocument(OPENAPI_FILE);
  if (!check.valid) throw new Error(`${OPENAPI_FILE} is not a valid OpenAPI document:\n${check.report}`);
  const collection = await toPostmanCollection(readFileSync(OPENAPI_FILE, 'utf8'));
  writeFileSync(COLLECTION_FILE, `${JSON.stringify(collection, null, 2)}\n`);
  process.stdout.write(
    `${relative(process.env.INIT_CWD ?? process.cwd(), COLLECTION_FILE)}: ${requestsOf(collection).length} requests; ` +
      'import it in Postman (File > Import), or from the gateway: http://127.0.0.1:8080/docs/store-manager.postman_collection.json\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run postman: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
