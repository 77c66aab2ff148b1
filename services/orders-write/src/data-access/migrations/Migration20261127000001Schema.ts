import { Migration } from '@mikro-orm/migrations';

/** Written by hand (not generated) so the DDL is the same on MariaDB 10.11 and MySQL 8. */
export class Migration20261127000001Schema extends Migration {
  override up(): void {
    this.addSql(`create table users (
      id int unsigned not null auto_increment primary key,
      name varchar(100) not null,
      email varchar(150) not null,
      unique key users_email_unique (email)
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
    this.addSql(`create table products (
      id int unsigned not null auto_increment primary key,
      name varchar(150) not null,
      sku varchar(64) not null,
      price decimal(10,2) not null,
      constraint products_price_positive check (price > 0)
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
    this.addSql(`create table stocks (
      product_id int unsigned not null primary key,
      quantity int not null,
      constraint stocks_quantity_not_negative check (quantity >= 0),
      constraint stocks_product_fk foreign key (product_id) references products (id) on delete cascade
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
    this.addSql(`create table orders (
      id int unsigned not null auto_increment primary key,
      user_id int unsigned not null,
      total_amount decimal(15,2) not null,
      created_at datetime(3) not null,
      key orders_user_id_id (user_id, id),
      constraint orders_user_fk foreign key (user_id) references users (id)
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
    this.addSql(`create table order_items (
      id int unsigned not null auto_increment primary key,
      order_id int unsigned not null,
      product_id int unsigned not null,
      quantity int not null,
      unit_price decimal(10,2) not null,
      key order_items_order_id (order_id),
      key order_items_product_id (product_id),
      constraint order_items_order_fk foreign key (order_id) references orders (id) on delete cascade,
      constraint order_items_product_fk foreign key (product_id) references products (id)
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
    this.addSql(`create table outbox (
      sequence bigint unsigned not null auto_increment primary key,
      event_id char(36) not null,
      type varchar(64) not null,
      version int not null,
      payload json not null,
      traceparent varchar(64) null,
      created_at datetime(3) not null,
      published_at datetime(3) null,
      attempts int not null default 0,
      next_attempt_at datetime(3) null,
      last_error varchar(500) null,
      unique key outbox_event_id_unique (event_id),
      key outbox_unpublished (published_at, sequence)
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
    this.addSql(`create table idempotency_keys (
      idempotency_key varchar(128) not null primary key,
      request_hash char(64) not null,
      status_code int not null,
      response_body json not null,
      created_at datetime(3) not null
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`);
  }

  override down(): void {
    for (const table of [
      'idempotency_keys',
      'outbox',
      'order_items',
      'orders',
      'stocks',
      'products',
      'users',
    ]) {
      this.addSql(`drop table if exists ${table}`);
    }
  }
}
