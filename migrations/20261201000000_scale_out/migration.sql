-- AlterTable: which vector store holds a build, the job building it, and the builder's lease
ALTER TABLE "index_builds" ADD COLUMN "store" TEXT NOT NULL DEFAULT 'hnswlib',
ADD COLUMN "job_id" TEXT,
ADD COLUMN "lease_expires_at" TIMESTAMP(3);

-- AlterTable: jobs are claimed by a replica and kept alive by a heartbeat lease
ALTER TABLE "jobs" ADD COLUMN "owner" TEXT,
ADD COLUMN "lease_expires_at" TIMESTAMP(3),
ADD COLUMN "cancel_requested_at" TIMESTAMP(3),
ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "index_alias" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "build_id" INTEGER,
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "keep_builds" INTEGER,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "index_alias_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "index_alias_single_row" CHECK ("id" = 1)
);

-- CreateTable
CREATE TABLE "index_changes" (
    "id" SERIAL NOT NULL,
    "build_id" INTEGER NOT NULL,
    "painting_id" INTEGER NOT NULL,
    "op" TEXT NOT NULL,
    "artist_id" INTEGER,
    "split" TEXT,
    "style" TEXT,
    "vector" BYTEA,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "index_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "index_changes_build_id_id_idx" ON "index_changes"("build_id", "id");

-- CreateIndex
CREATE INDEX "jobs_status_lease_expires_at_idx" ON "jobs"("status", "lease_expires_at");

-- AddForeignKey
ALTER TABLE "index_alias" ADD CONSTRAINT "index_alias_build_id_fkey" FOREIGN KEY ("build_id") REFERENCES "index_builds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "index_changes" ADD CONSTRAINT "index_changes_build_id_fkey" FOREIGN KEY ("build_id") REFERENCES "index_builds"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The one alias row, pointing at what a single server served before: its newest complete build.
INSERT INTO "index_alias" ("id", "build_id")
SELECT 1, (SELECT "id" FROM "index_builds" WHERE "status" = 'complete' ORDER BY "id" DESC LIMIT 1);
