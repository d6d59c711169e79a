-- CreateTable
CREATE TABLE "datasets" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "root_path" TEXT NOT NULL,
    "layout" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "stats" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "artists" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "split" TEXT NOT NULL,
    "painting_count" INTEGER NOT NULL,

    CONSTRAINT "artists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "paintings" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "artist_id" INTEGER NOT NULL,
    "rel_path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "title" TEXT,
    "year" TEXT,
    "style" TEXT,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "split" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "paintings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "skipped_files" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "rel_path" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "skipped_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_versions" (
    "id" SERIAL NOT NULL,
    "version" INTEGER NOT NULL,
    "preset" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "dataset_id" INTEGER,
    "config" JSONB NOT NULL,
    "metrics" JSONB,
    "dir" TEXT NOT NULL,
    "embedding_dim" INTEGER NOT NULL,
    "checksum" TEXT,
    "failure_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_epochs" (
    "id" SERIAL NOT NULL,
    "model_version_id" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "train_loss" DOUBLE PRECISION NOT NULL,
    "val_triplet_accuracy" DOUBLE PRECISION,
    "val_auc" DOUBLE PRECISION,
    "learning_rate" DOUBLE PRECISION NOT NULL,
    "seconds" DOUBLE PRECISION NOT NULL,
    "images_per_second" DOUBLE PRECISION,

    CONSTRAINT "training_epochs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluations" (
    "id" SERIAL NOT NULL,
    "model_version_id" INTEGER,
    "subject" TEXT NOT NULL,
    "dataset_id" INTEGER,
    "split" TEXT,
    "dataset_path" TEXT,
    "auc" DOUBLE PRECISION NOT NULL,
    "auc_same_style" DOUBLE PRECISION,
    "triplet_accuracy" DOUBLE PRECISION NOT NULL,
    "eer_threshold" DOUBLE PRECISION NOT NULL,
    "best_threshold" DOUBLE PRECISION NOT NULL,
    "best_accuracy" DOUBLE PRECISION NOT NULL,
    "pairs" INTEGER NOT NULL,
    "result" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "datasets_root_path_key" ON "datasets"("root_path");

-- CreateIndex
CREATE UNIQUE INDEX "artists_dataset_id_slug_key" ON "artists"("dataset_id", "slug");

-- CreateIndex
CREATE INDEX "paintings_dataset_id_split_idx" ON "paintings"("dataset_id", "split");

-- CreateIndex
CREATE INDEX "paintings_artist_id_idx" ON "paintings"("artist_id");

-- CreateIndex
CREATE UNIQUE INDEX "paintings_dataset_id_sha256_key" ON "paintings"("dataset_id", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "paintings_dataset_id_rel_path_key" ON "paintings"("dataset_id", "rel_path");

-- CreateIndex
CREATE UNIQUE INDEX "skipped_files_dataset_id_rel_path_key" ON "skipped_files"("dataset_id", "rel_path");

-- CreateIndex
CREATE UNIQUE INDEX "model_versions_version_key" ON "model_versions"("version");

-- CreateIndex
CREATE INDEX "model_versions_status_version_idx" ON "model_versions"("status", "version");

-- CreateIndex
CREATE UNIQUE INDEX "training_epochs_model_version_id_epoch_key" ON "training_epochs"("model_version_id", "epoch");

-- CreateIndex
CREATE INDEX "evaluations_model_version_id_created_at_idx" ON "evaluations"("model_version_id", "created_at");

-- CreateIndex
CREATE INDEX "evaluations_subject_created_at_idx" ON "evaluations"("subject", "created_at");

-- AddForeignKey
ALTER TABLE "artists" ADD CONSTRAINT "artists_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "paintings" ADD CONSTRAINT "paintings_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "paintings" ADD CONSTRAINT "paintings_artist_id_fkey" FOREIGN KEY ("artist_id") REFERENCES "artists"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "skipped_files" ADD CONSTRAINT "skipped_files_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_epochs" ADD CONSTRAINT "training_epochs_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE SET NULL ON UPDATE CASCADE;
