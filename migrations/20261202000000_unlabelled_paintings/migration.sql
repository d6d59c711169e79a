-- AlterTable: a painting imported or added without an artist is unlabelled.
ALTER TABLE "paintings" ALTER COLUMN "artist_id" DROP NOT NULL;
