import { Router } from 'express';
import { parseId, validate } from '@store/service-kit';
import type { Database } from '../../data-access/database';
import { toCents } from '../../domain/money';
import { createProduct, deleteProduct, getProduct } from '../../domain/product.use-case';
import { createProductBody } from './schemas';

export function productsRoutes(db: Database): Router {
  const router = Router();
  router.post('/products', async (req, res) => {
    const body = validate(createProductBody, req.body, 'product');
    const product = await createProduct(db, body.name, body.sku, toCents(body.price));
    res.status(201).location(`/products/${product.id}`).json({
      product_id: product.id,
      name: product.name,
      sku: product.sku,
      price: product.price,
    });
  });
  router.get('/products/:id', async (req, res) => {
    res.json(await getProduct(db, parseId(req.params.id)));
  });
  router.delete('/products/:id', async (req, res) => {
    await deleteProduct(db, parseId(req.params.id));
    res.json({ deleted: true });
  });
  return router;
}
