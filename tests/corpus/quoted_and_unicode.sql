-- Names that need quoting in every style SQLite accepts, keywords as names,
-- and non-ASCII names.
CREATE TABLE "Order Details" ("Order ID" INTEGER NOT NULL, "Product" TEXT NOT NULL, "Qty" INTEGER DEFAULT 1 CHECK ("Qty" > 0), PRIMARY KEY ("Order ID", "Product"));
CREATE TABLE "bücher" ("id" INTEGER PRIMARY KEY, "titel" TEXT NOT NULL, "preis_€" REAL);
CREATE TABLE [select] ([from] TEXT, `where` INTEGER, "group" TEXT);
CREATE INDEX "idx Qty" ON "Order Details" ("Qty");
CREATE INDEX "bücher_titel" ON "bücher" ("titel");
INSERT INTO "Order Details" VALUES (1, 'tea', 2), (1, 'milk', 1);
INSERT INTO "bücher" VALUES (1, 'Faust', 9.5);
INSERT INTO [select] VALUES ('a', 1, 'g');
