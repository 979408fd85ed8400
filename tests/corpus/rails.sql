-- Rails 7 (sqlite3 adapter): varchar without size, datetime(6), index_… names,
-- PRIMARY KEY AUTOINCREMENT NOT NULL, DEFAULT before NOT NULL, fk_rails_… keys.
CREATE TABLE IF NOT EXISTS "schema_migrations" ("version" varchar NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS "ar_internal_metadata" ("key" varchar NOT NULL PRIMARY KEY, "value" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE TABLE IF NOT EXISTS "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email" varchar DEFAULT '' NOT NULL, "encrypted_password" varchar DEFAULT '' NOT NULL, "admin" boolean DEFAULT 0 NOT NULL, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email");
CREATE TABLE IF NOT EXISTS "articles" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "title" varchar, "body" text, "user_id" integer NOT NULL, "status" integer DEFAULT 0, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL, CONSTRAINT "fk_rails_3d31dad1cc"
FOREIGN KEY ("user_id")
  REFERENCES "users" ("id")
);
CREATE INDEX "index_articles_on_user_id" ON "articles" ("user_id");
CREATE TABLE IF NOT EXISTS "comments" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "article_id" integer NOT NULL, "body" text, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL, CONSTRAINT "fk_rails_3bf61a60d3"
FOREIGN KEY ("article_id")
  REFERENCES "articles" ("id")
 ON DELETE CASCADE);
CREATE INDEX "index_comments_on_article_id_and_created_at" ON "comments" ("article_id", "created_at" DESC);
INSERT INTO "schema_migrations" VALUES ('20240101000000'), ('20240102000000');
INSERT INTO "ar_internal_metadata" VALUES ('environment', 'production', '2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000');
INSERT INTO "users" ("id", "email", "admin", "created_at", "updated_at") VALUES (1, 'a@x.io', 1, '2024-01-01', '2024-01-01'), (2, 'b@x.io', 0, '2024-01-01', '2024-01-01');
INSERT INTO "articles" ("id", "title", "user_id", "created_at", "updated_at") VALUES (5, 'One', 1, '2024-01-01', '2024-01-01'), (9, 'Two', 2, '2024-01-02', '2024-01-02');
INSERT INTO "comments" ("article_id", "body", "created_at", "updated_at") VALUES (5, 'nice', '2024-01-03', '2024-01-03');
