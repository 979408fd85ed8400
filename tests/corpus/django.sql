-- Django 5 (sqlite3 backend): quoted names, integer NOT NULL PRIMARY KEY
-- AUTOINCREMENT, varchar(n), bool, datetime, deferred foreign keys.
CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL);
CREATE TABLE "auth_group" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(150) NOT NULL UNIQUE);
CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "first_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL);
CREATE TABLE "auth_user_groups" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE UNIQUE INDEX "auth_user_groups_user_id_group_id_94350c0c_uniq" ON "auth_user_groups" ("user_id", "group_id");
CREATE INDEX "auth_user_groups_user_id_6a12ed8b" ON "auth_user_groups" ("user_id");
CREATE INDEX "auth_user_groups_group_id_97559544" ON "auth_user_groups" ("group_id");
CREATE TABLE "blog_post" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "slug" varchar(50) NOT NULL UNIQUE, "body" text NOT NULL, "published" bool NOT NULL, "views" integer unsigned NOT NULL CHECK ("views" >= 0), "rating" decimal NULL, "created_at" datetime NOT NULL, "author_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "blog_post_author_id_dd7a8485" ON "blog_post" ("author_id");
INSERT INTO "django_migrations" ("app", "name", "applied") VALUES ('auth', '0001_initial', '2024-01-01 10:00:00'), ('blog', '0001_initial', '2024-01-01 10:00:01');
INSERT INTO "auth_group" ("name") VALUES ('editors'), ('readers');
INSERT INTO "auth_user" VALUES (1, 'pbkdf2$x', NULL, 1, 'ann', 'Ann', 'ann@example.com', 1, 1, '2024-01-01'), (3, 'pbkdf2$y', '2024-02-01', 0, 'bob', 'Bob', 'bob@example.com', 0, 1, '2024-01-02');
INSERT INTO "auth_user_groups" ("user_id", "group_id") VALUES (1, 1), (3, 2);
INSERT INTO "blog_post" VALUES (10, 'Hello', 'hello', 'First post', 1, 12, 4.5, '2024-01-03', 1), (12, 'Draft', 'draft', '', 0, 0, NULL, '2024-01-04', 3);
