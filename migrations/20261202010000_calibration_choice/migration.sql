-- AlterTable: which evaluation calibrates a model's answers (null: its newest test-split evaluation).
ALTER TABLE "model_versions" ADD COLUMN "calibration_evaluation_id" INTEGER;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_calibration_evaluation_id_fkey" FOREIGN KEY ("calibration_evaluation_id") REFERENCES "evaluations"("id") ON DELETE SET NULL ON UPDATE CASCADE;
