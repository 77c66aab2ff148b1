import { Migration } from '@mikro-orm/migrations';

/** The seed data of the contract (docs/api/openapi.yaml, "Seed data"), loaded once on an empty database. */
export class Migration20261127000002Seed extends Migration {
  override up(): void {
    this.addSql(`insert into users (id, name, email) values
      (1, 'Ada Lovelace', 'alovelace@example.com'),
      (2, 'Adele Goldberg', 'agoldberg@example.com'),
      (3, 'Alan Turing', 'aturing@example.com')`);
    this.addSql(`insert into products (id, name, sku, price) values
      (1, 'Laptop ABC', 'LP12567', 1999.99),
      (2, 'Keyboard DEF', 'KB67890', 59.50),
      (3, 'Gadget XYZ', 'GG12345', 5.75),
      (4, '27-inch Screen WYZ', 'SC27289', 299.75)`);
    this.addSql('insert into stocks (product_id, quantity) values (1, 1000), (2, 500), (3, 2), (4, 90)');
  }

  override down(): void {
    this.addSql('delete from stocks where product_id in (1, 2, 3, 4)');
    this.addSql('delete from products where id in (1, 2, 3, 4)');
    this.addSql('delete from users where id in (1, 2, 3)');
  }
}
