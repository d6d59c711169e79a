-- AlterTable
ALTER TABLE "artists" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'import';

-- AlterTable
ALTER TABLE "paintings" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'import',
ADD COLUMN "stored_path" TEXT;

-- CreateTable
CREATE TABLE "index_builds" (
    "id" SERIAL NOT NULL,
    "model_version_id" INTEGER NOT NULL,
    "dataset_id" INTEGER,
    "status" TEXT NOT NULL,
    "dir" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "dim" INTEGER NOT NULL,
    "element_count" INTEGER,
    "build_seconds" DOUBLE PRECISION,
    "checksum" TEXT,
    "failure_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "index_builds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "params" JSONB NOT NULL,
    "result" JSONB,
    "error_code" TEXT,
    "error_message" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "index_builds_status_id_idx" ON "index_builds"("status", "id");

-- CreateIndex
CREATE INDEX "index_builds_model_version_id_idx" ON "index_builds"("model_version_id");

-- CreateIndex
CREATE INDEX "jobs_created_at_idx" ON "jobs"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_one_active_per_kind" ON "jobs"("kind") WHERE status IN ('queued', 'running');

-- AddForeignKey
ALTER TABLE "index_builds" ADD CONSTRAINT "index_builds_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "index_builds" ADD CONSTRAINT "index_builds_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
