-- Prisma's SQLite migrations: quoted CamelCase names, TEXT ids, REAL/DECIMAL,
-- "updatedAt" DATETIME, named unique indexes and foreign keys with
-- ON DELETE RESTRICT ON UPDATE CASCADE; plus the common hand-written
-- updated_at trigger and columns named after SQL keywords.
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" TEXT NOT NULL DEFAULT 'USER',
    "balance" DECIMAL NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
CREATE TABLE "Post" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" TEXT NOT NULL,
    "order" INTEGER NOT NULL DEFAULT 0,
    "group" TEXT,
    "index" INTEGER,
    "updated_at" DATETIME,
    CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TRIGGER post_touch AFTER UPDATE ON "Post" FOR EACH ROW WHEN OLD."title" IS NOT NEW."title"
BEGIN
    UPDATE "Post" SET "updated_at" = CURRENT_TIMESTAMP WHERE "id" = NEW."id";
END;
INSERT INTO "User" ("id", "email", "updatedAt") VALUES ('u1', 'a@x.io', '2024-01-01'), ('u2', 'b@x.io', '2024-01-02');
INSERT INTO "Post" ("title", "authorId", "order", "group", "index") VALUES ('Hello', 'u1', 1, 'g', 3), ('World', 'u2', 2, NULL, NULL);
