import { MAX_ID } from '@store/contracts';
import { buildSchema, graphql, type ExecutionResult } from 'graphql';
import type { Database } from '../../data-access/database';
import { productWithStock } from '../../domain/stock.use-case';

const schema = buildSchema(`
  "A product as suppliers see it: catalogue data and the units in stock."
  type Product {
    id: ID!
    name: String!
    sku: String!
    price: Float!
    quantity: Int!
  }

  type Query {
    "The product with this id, or null when there is none."
    product(id: ID!): Product
    "Units in stock for this product, or null when there is no such product."
    stockLevel(productId: ID!): Int
  }
`);

/** GraphQL IDs arrive as strings; anything that is not a valid product id simply finds nothing. */
function toProductId(raw: unknown): number | null {
  const id = Number(raw);
  return Number.isInteger(id) && id >= 1 && id <= MAX_ID ? id : null;
}

/** POST /stocks/graphql-query: the reference `graphql` package executing the supplier stock schema. */
export function createStockGraphql(db: Database) {
  const root = {
    product: async ({ id }: { id: unknown }) => {
      const productId = toProductId(id);
      return productId === null ? null : productWithStock(db, productId);
    },
    stockLevel: async ({ productId }: { productId: unknown }) => {
      const id = toProductId(productId);
      return id === null ? null : ((await productWithStock(db, id))?.quantity ?? null);
    },
  };
  return (
    source: string,
    variableValues?: Record<string, unknown>,
    operationName?: string,
  ): Promise<ExecutionResult> => graphql({ schema, source, rootValue: root, variableValues, operationName });
}
