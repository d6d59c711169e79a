-- AlterTable: the cohort and artist spreads a build's cohort-normalised scores and open-set rule read.
ALTER TABLE "index_builds" ADD COLUMN "norms" JSONB;

-- AlterTable: a painting added live carries its cohort radius to every replica.
ALTER TABLE "index_changes" ADD COLUMN "radius" DOUBLE PRECISION;
