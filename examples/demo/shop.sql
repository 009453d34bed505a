-- A small online shop, as a data team would find it before its catalog is pushed back.
CREATE ROLE data_engineering;
CREATE ROLE finance;
CREATE ROLE marta;
CREATE SCHEMA sales;
CREATE SCHEMA analytics;
COMMENT ON SCHEMA sales IS 'old: sales stuff';

CREATE TABLE sales.customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  full_name text,
  country char(2),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sales.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES sales.customers(id),
  status text NOT NULL CHECK (status IN ('placed', 'paid', 'shipped', 'cancelled')),
  placed_at timestamptz NOT NULL DEFAULT now()
) ;
CREATE TABLE sales.order_items (
  order_id bigint NOT NULL REFERENCES sales.orders(id),
  sku text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  "unit.price" numeric(12,2) NOT NULL,
  PRIMARY KEY (order_id, sku)
);
COMMENT ON TABLE sales.orders IS 'orders table';
COMMENT ON COLUMN sales.customers.email IS 'email';

CREATE VIEW analytics.daily_revenue AS
  SELECT date_trunc('day', o.placed_at) AS day, sum(i.quantity * i."unit.price") AS revenue
  FROM sales.orders o JOIN sales.order_items i ON i.order_id = o.id
  WHERE o.status IN ('paid', 'shipped')
  GROUP BY 1;
CREATE MATERIALIZED VIEW analytics.customer_lifetime_value AS
  SELECT c.id AS customer_id, coalesce(sum(i.quantity * i."unit.price"), 0) AS lifetime_value
  FROM sales.customers c
  LEFT JOIN sales.orders o ON o.customer_id = c.id
  LEFT JOIN sales.order_items i ON i.order_id = o.id
  GROUP BY c.id;
