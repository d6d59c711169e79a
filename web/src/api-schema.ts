/**
 * Generated from the OpenAPI document (server/api/openapi.ts) by `npm run api:types`: do not edit.
 * web/src/api-types.ts names the shapes the page reads.
 */
/* eslint-disable */
export interface paths {
    "/api/artists": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Artists, page by page
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getArtists"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/artists/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One artist
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getArtistsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/artists/nearest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Nearest artists of an image
         * @description An uploaded image (multipart `image`) or a reference to a corpus painting or a stored upload. The query's nearest paintings (`neighbours`, default 50) are grouped by artist and ranked; each artist comes with its supporting paintings.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postArtistsNearest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/artists/nearest/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Nearest artists of many images in one call
         * @description Multipart files `images` (repeated), or JSON `{ images: [{ paintingId } | { uploadId }] }`; at most `PAINTER_BATCH_MAX_IMAGES` images and `PAINTER_BATCH_MAX_MB` of uploads. Uploads go through the encoder's micro-batches together. Each item is answered on its own, in order: `result`, or the `error` a single request would have answered with (`IMAGE_UNREADABLE`, `PAINTING_NOT_FOUND`, …) while the rest are answered.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postArtistsNearestBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/backups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Back up the metadata, models and serving index while serving
         * @description Written into the server's backup folder (PAINTER_BACKUP_DIR, default `$PAINTER_DATA_DIR/backups`) from one consistent snapshot, with a manifest of checksums; `painter restore DIR` restores it. `painter backup DIR` calls this when the server holds the embedded database.
         *
         *     Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        post: operations["postBackups"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A browsable reference of this API */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evaluations/roc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The ROC evaluation of `model`, or of the serving model
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getEvaluationsRoc"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/index": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The serving index, the build the alias names, and a rebuild in progress
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getIndex"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/index/builds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every index build, newest first, with the alias and the retention setting
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getIndexBuilds"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/index/builds/{id}/activate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a complete build the one every replica serves (a rollback without a rebuild)
         * @description Moves the alias in one transaction; replicas follow at once (LISTEN/NOTIFY) or within the poll interval. `pin` (default true) keeps finished rebuilds from replacing it.
         *
         *     Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        post: operations["postIndexBuildsByIdActivate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/index/map": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The serving index's paintings in 2-D (UMAP)
         * @description A seeded sample of at most `limit` (1–2000, default 1000) paintings, laid out once per index build on a worker thread.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getIndexMap"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/index/pin": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Unpin: the next finished rebuild takes over again
         * @description Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        delete: operations["deleteIndexPin"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/index/rebuild": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rebuild the index as a job
         * @description Embeds the corpus with the model (default: the newest complete one) while the current index keeps answering; only a complete, verified build is activated, and every replica then serves it (unless a build is pinned).
         *
         *     Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        post: operations["postIndexRebuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/index/retention": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * How many complete builds to keep (1–1000); older ones are deleted now, never the active one
         * @description Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        put: operations["putIndexRetention"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every job, newest first
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A job with its phase and progress
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getJobsById"];
        put?: never;
        post?: never;
        /**
         * Cancel a job, on whichever replica runs it
         * @description A queued job is cancelled at once; a running one stops at its next step and ends `cancelled` (poll the job). A finished job answers 409 JOB_NOT_CANCELLABLE.
         *
         *     Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        delete: operations["deleteJobsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Evaluate a model on the test split (default: the newest complete one)
         * @description Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        post: operations["postJobsEvaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/train": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Train a model version (then evaluate it and rebuild the index)
         * @description Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        post: operations["postJobsTrain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Model versions with their training curves
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One model version
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getModelsByVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{version}/calibration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Choose the evaluation that calibrates a model's answers
         * @description The "same painter?" threshold and probability, the artist ranking and the open-set rule come from this evaluation of the model. `null` returns to the default: its newest evaluation on the test split of its own dataset.
         *
         *     Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        put: operations["putModelsByVersionCalibration"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{version}/roc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The evaluation that calibrates a model: its ROC and what else it measured
         * @description Its newest test-split evaluation unless another was chosen (`PUT /api/models/{version}/calibration`, `painter calibrate`).
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getModelsByVersionRoc"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document (OpenAPI 3.1) */
        get: operations["getOpenapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Paintings, page by page
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getPaintings"];
        put?: never;
        /**
         * Add a painting to the corpus and the live index
         * @description Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        post: operations["postPaintings"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One painting
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getPaintingsById"];
        put?: never;
        post?: never;
        /**
         * Remove a painting from the live index and the corpus
         * @description Needs an admin key (`PAINTER_ADMIN_KEYS` or `PAINTER_API_KEYS`).
         */
        delete: operations["deletePaintingsById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings/{id}/image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A painting's original image file
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getPaintingsByIdImage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings/{id}/nearest-artists": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Nearest artists of a corpus painting
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getPaintingsByIdNearestArtists"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings/{id}/similar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The k nearest paintings of a corpus painting
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getPaintingsByIdSimilar"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings/{id}/thumbnail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A painting's JPEG thumbnail
         * @description The longest side is `size` pixels (128, 256 or 512; default 256); made once, then served from the cache.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getPaintingsByIdThumbnail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings/similar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The k nearest paintings of an image
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postPaintingsSimilar"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/paintings/similar/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Similar paintings of many images in one call
         * @description As `/api/artists/nearest/batch`, answering the nearest paintings of each image. Each item is answered on its own, in order: `result`, or the `error` a single request would have answered with (`IMAGE_UNREADABLE`, `PAINTING_NOT_FOUND`, …) while the rest are answered.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postPaintingsSimilarBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Store an image for later queries by id
         * @description Validated (decodable, under the pixel limit) and kept an hour; GraphQL takes images only this way.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postUploads"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Do two paintings share a painter?
         * @description Each of `a` and `b` is an uploaded file (multipart), a painting id (a multipart text field, or a JSON number or string), or in JSON `{ paintingId }` / `{ uploadId }`. A bare string is always a painting id. The decision uses the model's calibrated threshold.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postVerify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/verify/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Many "same painter?" questions in one call
         * @description Each pair's sides are painting ids or `{ paintingId }` / `{ uploadId }`; at most `PAINTER_BATCH_MAX_PAIRS` pairs. Each item is answered on its own, in order: `result`, or the `error` a single request would have answered with (`IMAGE_UNREADABLE`, `PAINTING_NOT_FOUND`, …) while the rest are answered.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postVerifyBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/graphql": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * GraphQL over GET (queries), or the sandbox page while introspection is on
         * @description Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        get: operations["getGraphql"];
        put?: never;
        /**
         * The GraphQL endpoint (Apollo Server)
         * @description The same services as REST. The endpoint needs a read key when read keys are configured; mutations need an admin key. Errors come in the GraphQL shape with `extensions.code`.
         *
         *     Needs a read or admin key when read keys are configured (`PAINTER_READ_KEYS`).
         */
        post: operations["postGraphql"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up */
        get: operations["getHealthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description The text exposition format: requests by route and status, encoder batches, queues, index, jobs, database errors, process. Needs a key (read or admin) once any key is configured.
         *
         *     Needs a read or admin key once any key is configured.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: database reachable and an index loaded */
        get: operations["getReadyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ArtistMatch: {
            artist: string;
            artistId: number;
            /** @description The mean distance of the artist's (up to 3) nearest paintings */
            distance: number;
            /** @description What the artists were ranked by when the ranking is cohort-normalised (the padded mean of the artist's 3 best normalised distances); null when ranked by raw distances */
            normalisedDistance: number | null;
            /** @description The artist's paintings among the nearest neighbours, closest first */
            paintings: components["schemas"]["PaintingNeighbour"][];
            /** @description 0–1: the share of the neighbourhood's similarity that falls on this artist */
            score: number;
        };
        ArtistPage: {
            items: components["schemas"]["ArtistSummary"][];
            nextCursor: string | null;
        };
        ArtistSummary: {
            id: number;
            name: string;
            paintingCount: number;
            slug: string;
            /** @enum {string} */
            split: "train" | "test";
        };
        Backup: {
            addedPaintings: number;
            bytes: number;
            createdAt: string;
            dir: string;
            files: number;
            indexBuild: number | null;
            /** @enum {string} */
            method: "pglite-dump" | "pg_dump" | "sql-rows";
            modelVersions: number[];
            name: string;
        };
        /** @description Which evaluation calibrates the model's answers, and what it decided */
        CalibrationInfo: {
            datasetId: number | null;
            datasetPath: string | null;
            evaluatedAt: string | null;
            /** @description The model the calibrating evaluation measured: this one, or its held-out twin */
            evaluatedModelVersion: number | null;
            evaluationId: number | null;
            /** @description Whether an open-set rule is stored */
            openSet: boolean;
            /**
             * @description The score "same painter?" decides on
             * @enum {string}
             */
            pairScore: "distance" | "csls";
            /**
             * @description How nearest artists are ranked
             * @enum {string}
             */
            ranking: "raw" | "csls";
            /**
             * @description chosen: named with `painter calibrate` or PUT …/calibration; test-split: the newest test-split evaluation; held-out-twin (a model trained on every artist): the newest test-split evaluation of the same configuration trained on the training artists only; none: uncalibrated defaults
             * @enum {string}
             */
            selection: "chosen" | "test-split" | "held-out-twin" | "none";
            /** @description Where the calibrating evaluation was measured */
            split: string | null;
        };
        /** @description The cohort-normalised distance on the same pairs */
        CslsEvaluation: {
            auc: number;
            aucSameStyle: number | null;
            bestThreshold: number;
            cohortPaintings: number;
            histograms: components["schemas"]["DistanceHistograms"] | null;
            k: number;
            tripletAccuracy: number;
            variant: string;
        };
        /** @description Distance histograms of same-artist and different-artist pairs */
        DistanceHistograms: {
            binWidth: number;
            different: number[];
            /** @description Where the first bin starts */
            min: number;
            same: number[];
        };
        EmbeddingMap: {
            indexId: number;
            /** @enum {string} */
            method: "umap";
            modelVersion: number;
            points: components["schemas"]["MapPoint"][];
            /** @description Paintings in the index; `points` holds at most the requested sample of them */
            total: number;
        };
        Error: {
            error: {
                /**
                 * @description A stable code; each has one HTTP status (src/errors.ts)
                 * @enum {string}
                 */
                code: "BAD_REQUEST" | "INVALID_ARGUMENT" | "CONFIG_INVALID" | "DATASET_NOT_FOUND" | "DATASET_LAYOUT_UNKNOWN" | "DATASET_PATH_ESCAPE" | "DATASET_EMPTY" | "SPLIT_EMPTY" | "MODEL_NOT_FOUND" | "MODEL_CORRUPT" | "CHECKPOINT_NOT_FOUND" | "PRESET_UNKNOWN" | "IMAGE_UNREADABLE" | "IMAGE_TOO_LARGE" | "DATABASE_UNAVAILABLE" | "MIGRATION_FAILED" | "BACKEND_UNAVAILABLE" | "IMAGE_EMPTY" | "IMAGE_MISSING" | "PAYLOAD_TOO_LARGE" | "BATCH_TOO_LARGE" | "PAIRS_CSV_INVALID" | "UNSUPPORTED_MEDIA_TYPE" | "ROUTE_NOT_FOUND" | "PAINTING_NOT_FOUND" | "PAINTING_DUPLICATE" | "ARTIST_NOT_FOUND" | "UPLOAD_NOT_FOUND" | "EVALUATION_NOT_FOUND" | "EVALUATION_NOT_HELD_OUT" | "JOB_NOT_FOUND" | "CURSOR_INVALID" | "INDEX_NOT_READY" | "INDEX_CORRUPT" | "STORAGE_FAILED" | "JOB_CONFLICT" | "API_KEY_REQUIRED" | "API_KEY_INVALID" | "API_KEY_FORBIDDEN" | "METHOD_NOT_ALLOWED" | "GRAPHQL_INVALID" | "RATE_LIMITED" | "INTERNAL" | "MIGRATION_MODIFIED" | "BACKUP_INVALID" | "BACKUP_TARGET_NOT_EMPTY" | "BACKUP_FAILED" | "VECTOR_EXTENSION_MISSING" | "INDEX_BUILD_NOT_FOUND" | "INDEX_BUILD_NOT_ACTIVATABLE" | "JOB_CANCELLED" | "JOB_LEASE_EXPIRED" | "JOB_NOT_CANCELLABLE";
                details?: {
                    [key: string]: unknown;
                };
                message: string;
            };
        };
        /** @description HNSW parameters: M and efConstruction of the graph, ef (ef_search) of queries */
        HnswParams: {
            ef: number;
            efConstruction: number;
            M: number;
        };
        IndexBuildList: {
            activeBuildId: number | null;
            /** @description Newest first */
            builds: components["schemas"]["IndexBuildRecord"][];
            /** @description Complete builds kept; older ones are deleted, never the active one */
            keepBuilds: number;
            pinned: boolean;
        };
        /** @description A written index build: complete ones can be activated (a rollback without a rebuild) */
        IndexBuildRecord: {
            /** @description The alias points at it: every replica serves it */
            active: boolean;
            buildSeconds: number | null;
            completedAt: string | null;
            createdAt: string;
            elementCount: number | null;
            failureReason: string | null;
            id: number;
            modelVersion: number;
            params: components["schemas"]["HnswParams"];
            /** @description Active and pinned: finished rebuilds do not replace it */
            pinned: boolean;
            /** @enum {string} */
            status: "building" | "complete" | "failed";
            /**
             * @description hnswlib: a file per build; pgvector: a table per build in PostgreSQL
             * @enum {string}
             */
            store: "hnswlib" | "pgvector";
        };
        IndexStatus: {
            /** @description The build the alias names (every replica converges on it); differs from `serving.id` only while this replica catches up */
            activeBuildId: number | null;
            /** @description A rebuild in progress, if any */
            building: {
                jobId: string;
                phase: string;
                progress: components["schemas"]["Progress"];
            } | null;
            /** @description A build was activated by hand: finished rebuilds do not replace it */
            pinned: boolean;
            /** @description The index answering queries now, or null when none is loaded */
            serving: {
                buildSeconds: number | null;
                createdAt: string;
                elementCount: number;
                id: number;
                modelVersion: number;
                params: components["schemas"]["HnswParams"];
                /**
                 * @description Where its vectors live
                 * @enum {string}
                 */
                store: "hnswlib" | "pgvector";
            } | null;
        };
        /** @description A failed item: the error a single request would have answered with */
        ItemError: {
            /** @description The error's stable code (src/errors.ts) */
            code: string;
            details?: {
                [key: string]: unknown;
            };
            message: string;
        };
        Job: {
            /** @description Claims so far: a job whose replica died may run again */
            attempts: number;
            /** @description A cancel was asked for; the job ends cancelled */
            cancelRequested: boolean;
            createdAt: string;
            error: {
                code: string;
                message: string;
            } | null;
            finishedAt: string | null;
            id: string;
            /** @enum {string} */
            kind: "index" | "train" | "evaluate";
            /** @description The replica running it */
            owner: string | null;
            params: {
                [key: string]: unknown;
            };
            /** @description What it is doing now, e.g. 'embedding', 'building', 'training epoch 3/12' */
            phase: string;
            progress: components["schemas"]["Progress"];
            result: {
                [key: string]: unknown;
            } | null;
            startedAt: string | null;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
        };
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        MapPoint: {
            artist: string | null;
            /** @description Null for an unlabelled painting */
            artistId: number | null;
            paintingId: number;
            /** @description A JPEG thumbnail; `?size=128|256|512` */
            thumbnailUrl: string;
            title: string | null;
            x: number;
            y: number;
        };
        ModelSummary: {
            /**
             * @description training: trained on the training split's artists, so its test split measures unseen artists; all: trained on every labelled artist (--all-artists), no held-out evaluation
             * @enum {string}
             */
            artists: "training" | "all";
            calibration: components["schemas"]["CalibrationInfo"];
            completedAt: string | null;
            createdAt: string;
            embeddingDim: number;
            epochs: components["schemas"]["TrainingEpoch"][];
            metrics: {
                [key: string]: unknown;
            } | null;
            preset: string;
            /** @enum {string} */
            status: "training" | "complete" | "failed";
            version: number;
        };
        NearestArtistsBatch: {
            failed: number;
            items: {
                error: components["schemas"]["ItemError"] | null;
                /** @description The item's position in the request */
                index: number;
                result: components["schemas"]["NearestArtistsResult"] | null;
            }[];
            succeeded: number;
            tookMs: number;
        };
        NearestArtistsResult: {
            artists: components["schemas"]["ArtistMatch"][];
            /** @description Null when the model has no open-set rule (no evaluation with one, no cohort) or nothing was found */
            openSet: components["schemas"]["OpenSetResult"] | null;
            query: components["schemas"]["QueryInfo"];
            /**
             * @description How artists were ranked: by raw distances or cohort-normalised ones (whichever measured better for this model)
             * @enum {string}
             */
            ranking: "raw" | "csls";
        };
        /** @description The open-set protocol: every candidate score, the chosen one's reliability and verdicts */
        OpenSetEvaluation: {
            chosen: string;
            confidence: number;
            coverage: number;
            ece: number;
            knownQueries: number;
            reliability: {
                count: number;
                hi: number;
                lo: number;
                meanPredicted: number;
                observed: number;
            }[];
            scores: {
                accuracy: number;
                auroc: number;
                ece: number;
                score: string;
            }[];
            unknownQueries: number;
            verdictAccuracy: number | null;
        };
        /** @description Whether the best artist is likely the painter at all (see README, "Open set") */
        OpenSetResult: {
            /** @description A verdict is stated at this probability or more */
            confidence: number;
            evaluationId: number | null;
            /** @description Probability that the best-ranked artist is the painter, at the held-out mix of known and unknown painters; null when the evaluation did not calibrate it */
            probabilityBestArtist: number | null;
            /** @description Probability that the painter is one of the indexed artists, calibrated on held-out artists (equal prior of indexed and not) */
            probabilityIndexed: number;
            /** @description The score the rule reads */
            score: ("best-artist-distance" | "nearest-painting-distance" | "best-second-ratio" | "best-artist-share-of-10" | "csls-best-artist-distance" | "csls-nearest-painting-distance" | "radius-gap" | "artist-spread-z") | "learned";
            /**
             * @description indexed-artist: likely one of the indexed artists; no-indexed-artist: likely none of them; uncertain: the evidence cannot tell
             * @enum {string}
             */
            verdict: "indexed-artist" | "no-indexed-artist" | "uncertain";
        };
        PaintingNeighbour: {
            /** @description The artist's name; null for an unlabelled painting */
            artist: string | null;
            /** @description Null for an unlabelled painting (artist unknown) */
            artistId: number | null;
            /** @description Euclidean distance in the embedding space (0–10) */
            distance: number;
            height: number;
            id: number;
            /** @description The original image */
            imageUrl: string;
            /** @enum {string} */
            split: "train" | "validation" | "test" | "added" | "unlabelled";
            style: string | null;
            /** @description A JPEG thumbnail; `?size=128|256|512` */
            thumbnailUrl: string;
            title: string | null;
            width: number;
            year: string | null;
        };
        PaintingPage: {
            items: components["schemas"]["PaintingSummary"][];
            nextCursor: string | null;
        };
        /** @description A painting as answers show it: enough to render it without another request */
        PaintingSummary: {
            /** @description The artist's name; null for an unlabelled painting */
            artist: string | null;
            /** @description Null for an unlabelled painting (artist unknown) */
            artistId: number | null;
            height: number;
            id: number;
            /** @description The original image */
            imageUrl: string;
            /** @enum {string} */
            split: "train" | "validation" | "test" | "added" | "unlabelled";
            style: string | null;
            /** @description A JPEG thumbnail; `?size=128|256|512` */
            thumbnailUrl: string;
            title: string | null;
            width: number;
            year: string | null;
        };
        Progress: {
            done: number;
            total: number;
        };
        QueryInfo: {
            indexId: number;
            modelVersion: number;
            /** @description The corpus painting queried, when the query was one */
            paintingId: number | null;
            tookMs: number;
        };
        /** @description Database reachable and an index loaded; `reasons` names what is missing */
        Readiness: {
            database: boolean;
            index: boolean;
            ready: boolean;
            reasons: string[];
        };
        RemovedPainting: {
            id: number;
            /** @enum {boolean} */
            removed: true;
        };
        RocEvaluation: {
            auc: number;
            aucSameStyle: number | null;
            bestAccuracy: number;
            bestThreshold: number;
            createdAt: string;
            /** @description Null for older evaluations */
            csls: components["schemas"]["CslsEvaluation"] | null;
            eerThreshold: number;
            histograms: components["schemas"]["DistanceHistograms"] | null;
            id: number;
            modelVersion: number | null;
            openSet: components["schemas"]["OpenSetEvaluation"] | null;
            pairs: number;
            /** @description Top-1 / top-5 nearest artist of the evaluated paintings against the corpus, raw and cohort-normalised */
            ranking: {
                /** @enum {string} */
                chosen: "raw" | "csls";
                csls: components["schemas"]["TopK"] | null;
                queries: number;
                raw: components["schemas"]["TopK"];
            } | null;
            roc: components["schemas"]["RocPoint"][];
            split: string | null;
            subject: string;
            tripletAccuracy: number;
        };
        RocPoint: {
            fpr: number;
            threshold: number;
            tpr: number;
        };
        SimilarPaintingsBatch: {
            failed: number;
            items: {
                error: components["schemas"]["ItemError"] | null;
                /** @description The item's position in the request */
                index: number;
                result: components["schemas"]["SimilarPaintingsResult"] | null;
            }[];
            succeeded: number;
            tookMs: number;
        };
        SimilarPaintingsResult: {
            paintings: components["schemas"]["PaintingNeighbour"][];
            query: components["schemas"]["QueryInfo"];
        };
        StoredUpload: {
            /** @description Uploads are kept until then, then deleted */
            expiresAt: string;
            height: number;
            id: string;
            width: number;
        };
        TopK: {
            top1: number;
            top5: number;
        };
        TrainingEpoch: {
            epoch: number;
            learningRate: number;
            seconds: number;
            trainLoss: number;
            valAuc: number | null;
            valTripletAccuracy: number | null;
        };
        VerifyBatch: {
            failed: number;
            items: {
                error: components["schemas"]["ItemError"] | null;
                /** @description The item's position in the request */
                index: number;
                result: components["schemas"]["VerifyResult"] | null;
            }[];
            succeeded: number;
            tookMs: number;
        };
        VerifyResult: {
            calibration: {
                evaluationId: number | null;
                /** @enum {string} */
                source: "evaluation" | "default";
            };
            /** @description Probability of the decision being right, from the calibration (0.5–1) */
            confidence: number;
            /** @description Euclidean distance of the two embeddings (0–10) */
            distance: number;
            modelVersion: number;
            /** @description Probability that the two share an artist, from the calibration */
            probabilitySameArtist: number;
            sameArtist: boolean;
            /** @description What the decision reads: the raw distance, or the cohort-normalised one where that measured better for the model */
            score: {
                /** @enum {string} */
                kind: "distance" | "csls";
                value: number;
            };
            /** @description Scores at or below this are judged "same artist" (in the units of `score`) */
            threshold: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description The request's id, as given in `x-request-id` or generated; it is in every log line of the request */
        "X-Request-Id": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getArtists: {
        parameters: {
            query?: {
                after?: string;
                limit?: number;
                search?: string;
                split?: "train" | "test";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of artists */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtistPage"];
                };
            };
            /** @description `CURSOR_INVALID`: Invalid pagination cursor; `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getArtistsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The artist */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtistSummary"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `ARTIST_NOT_FOUND`: Artist not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postArtistsNearest: {
        parameters: {
            query?: {
                excludeOwnArtist?: "0" | "1" | "true" | "false";
                k?: number;
                neighbours?: number;
                split?: string;
                style?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    paintingId?: number;
                    uploadId?: string;
                };
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description An image file: JPEG, PNG, WebP, GIF or TIFF
                     */
                    image: string;
                };
            };
        };
        responses: {
            /** @description The nearest artists */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NearestArtistsResult"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found; `UPLOAD_NOT_FOUND`: Upload not found or expired */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: The image has too many pixels; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_UNREADABLE`: The file is not a readable image */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postArtistsNearestBatch: {
        parameters: {
            query?: {
                excludeOwnArtist?: "0" | "1" | "true" | "false";
                k?: number;
                neighbours?: number;
                split?: string;
                style?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    images: {
                        paintingId?: number;
                        uploadId?: string;
                    }[];
                };
                "multipart/form-data": {
                    /** @description One file part per image, in order */
                    images: string[];
                };
            };
        };
        responses: {
            /** @description One ranking or error per image */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NearestArtistsBatch"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `BATCH_TOO_LARGE`: The batch has too many items or bytes; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postBackups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The backup written */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Backup"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `BACKUP_FAILED`: The backup could not be made */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `STORAGE_FAILED`: The data directory could not be written */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reference page */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getEvaluationsRoc: {
        parameters: {
            query?: {
                model?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The evaluation */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RocEvaluation"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `MODEL_NOT_FOUND`: Model version not found; `EVALUATION_NOT_FOUND`: No stored evaluation for this model */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getIndex: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The index status */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IndexStatus"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getIndexBuilds: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every build, with the alias and the retention setting */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IndexBuildList"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postIndexBuildsByIdActivate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    pin?: "0" | "1" | "true" | "false";
                };
            };
        };
        responses: {
            /** @description Every build, with the alias and the retention setting */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IndexBuildList"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_BUILD_NOT_FOUND`: Index build not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_BUILD_NOT_ACTIVATABLE`: Only a complete index build can be activated */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getIndexMap: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The map */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmbeddingMap"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteIndexPin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every build, with the alias and the retention setting */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IndexBuildList"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postIndexRebuild: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    modelVersion?: number;
                };
            };
        };
        responses: {
            /** @description The job, queued */
            202: {
                headers: {
                    /** @description Where to poll the job */
                    Location?: string;
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `MODEL_NOT_FOUND`: Model version not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `JOB_CONFLICT`: A job of this kind is already running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putIndexRetention: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    keep: number;
                };
            };
        };
        responses: {
            /** @description Every build, with the alias and the retention setting */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IndexBuildList"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The jobs */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"][];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getJobsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `JOB_NOT_FOUND`: Job not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteJobsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, with the cancel asked for */
            202: {
                headers: {
                    /** @description Where to poll the job */
                    Location?: string;
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `JOB_NOT_FOUND`: Job not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `JOB_NOT_CANCELLABLE`: The job has already finished */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postJobsEvaluate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    modelVersion?: number;
                };
            };
        };
        responses: {
            /** @description The job, queued */
            202: {
                headers: {
                    /** @description Where to poll the job */
                    Location?: string;
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `MODEL_NOT_FOUND`: Model version not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `JOB_CONFLICT`: A job of this kind is already running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postJobsTrain: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * @description Train on every labelled artist, the test split's too: the model has no held-out evaluation and is calibrated by the same configuration trained without it
                     * @enum {string}
                     */
                    allArtists?: "0" | "1" | "true" | "false";
                    /** @enum {string} */
                    backbone?: "mobilenet" | "inception" | "both";
                    /**
                     * @description Head presets: the views averaged into each painting's embedding — center, or flip (the painting and its mirror image)
                     * @enum {string}
                     */
                    embedViews?: "center" | "flip";
                    epochs?: number;
                    /** @enum {string} */
                    loss?: "triplet" | "contrastive";
                    /** @enum {string} */
                    mining?: "random" | "batch-hard" | "batch-all";
                    /** @enum {string} */
                    preset?: "pretrained" | "small" | "seed";
                    /** @enum {string} */
                    rebuildIndex?: "0" | "1" | "true" | "false";
                };
            };
        };
        responses: {
            /** @description The job, queued */
            202: {
                headers: {
                    /** @description Where to poll the job */
                    Location?: string;
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATASET_NOT_FOUND`: Dataset not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `JOB_CONFLICT`: A job of this kind is already running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getModels: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every model version */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelSummary"][];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getModelsByVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model version */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelSummary"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `MODEL_NOT_FOUND`: Model version not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putModelsByVersionCalibration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The evaluation to calibrate the model's answers from; null returns to its newest test-split evaluation */
                    evaluationId: number | null;
                };
            };
        };
        responses: {
            /** @description The model version, with `calibration` saying which evaluation calibrates it */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelSummary"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `MODEL_NOT_FOUND`: Model version not found; `EVALUATION_NOT_FOUND`: No stored evaluation for this model */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getModelsByVersionRoc: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The evaluation */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RocEvaluation"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `MODEL_NOT_FOUND`: Model version not found; `EVALUATION_NOT_FOUND`: No stored evaluation for this model */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOpenapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaintings: {
        parameters: {
            query?: {
                after?: string;
                artistId?: number;
                limit?: number;
                split?: "train" | "validation" | "test" | "added" | "unlabelled";
                style?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of paintings */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaintingPage"];
                };
            };
            /** @description `CURSOR_INVALID`: Invalid pagination cursor; `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaintings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    artist?: string;
                    /**
                     * Format: binary
                     * @description An image file: JPEG, PNG, WebP, GIF or TIFF
                     */
                    image: string;
                    style?: string;
                    title?: string;
                    year?: string;
                };
            };
        };
        responses: {
            /** @description The painting added */
            201: {
                headers: {
                    /** @description Where the painting is */
                    Location?: string;
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaintingSummary"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATASET_NOT_FOUND`: Dataset not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_DUPLICATE`: This image is already in the corpus */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: The image has too many pixels; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_UNREADABLE`: The file is not a readable image */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaintingsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The painting */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaintingSummary"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deletePaintingsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemovedPainting"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_FORBIDDEN`: The API key does not allow this operation */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaintingsByIdImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The image as stored */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "image/*": unknown;
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaintingsByIdNearestArtists: {
        parameters: {
            query?: {
                excludeOwnArtist?: "0" | "1" | "true" | "false";
                k?: number;
                neighbours?: number;
                split?: string;
                style?: string;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The nearest artists */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NearestArtistsResult"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaintingsByIdSimilar: {
        parameters: {
            query?: {
                excludeOwnArtist?: "0" | "1" | "true" | "false";
                k?: number;
                split?: string;
                style?: string;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The nearest paintings, closest first */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimilarPaintingsResult"];
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPaintingsByIdThumbnail: {
        parameters: {
            query?: {
                size?: number;
            };
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JPEG thumbnail */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": unknown;
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_UNREADABLE`: The file is not a readable image */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaintingsSimilar: {
        parameters: {
            query?: {
                excludeOwnArtist?: "0" | "1" | "true" | "false";
                k?: number;
                split?: string;
                style?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    paintingId?: number;
                    uploadId?: string;
                };
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description An image file: JPEG, PNG, WebP, GIF or TIFF
                     */
                    image: string;
                };
            };
        };
        responses: {
            /** @description The nearest paintings, closest first */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimilarPaintingsResult"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found; `UPLOAD_NOT_FOUND`: Upload not found or expired */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: The image has too many pixels; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_UNREADABLE`: The file is not a readable image */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postPaintingsSimilarBatch: {
        parameters: {
            query?: {
                excludeOwnArtist?: "0" | "1" | "true" | "false";
                k?: number;
                split?: string;
                style?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    images: {
                        paintingId?: number;
                        uploadId?: string;
                    }[];
                };
                "multipart/form-data": {
                    /** @description One file part per image, in order */
                    images: string[];
                };
            };
        };
        responses: {
            /** @description One list of paintings or error per image */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimilarPaintingsBatch"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `BATCH_TOO_LARGE`: The batch has too many items or bytes; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postUploads: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description An image file: JPEG, PNG, WebP, GIF or TIFF
                     */
                    image: string;
                };
            };
        };
        responses: {
            /** @description The stored upload */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoredUpload"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `IMAGE_EMPTY`: The uploaded file is empty; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: The image has too many pixels; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_UNREADABLE`: The file is not a readable image */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postVerify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    a: number | {
                        paintingId?: number;
                        uploadId?: string;
                    };
                    b: number | {
                        paintingId?: number;
                        uploadId?: string;
                    };
                };
                "multipart/form-data": {
                    a: string;
                    b: string;
                };
            };
        };
        responses: {
            /** @description The verdict */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyResult"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAINTING_NOT_FOUND`: Painting not found; `UPLOAD_NOT_FOUND`: Upload not found or expired */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: The image has too many pixels; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `IMAGE_UNREADABLE`: The file is not a readable image */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postVerifyBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    pairs: {
                        a: number | {
                            paintingId?: number;
                            uploadId?: string;
                        };
                        b: number | {
                            paintingId?: number;
                            uploadId?: string;
                        };
                    }[];
                };
            };
        };
        responses: {
            /** @description One verdict or error per pair */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyBatch"];
                };
            };
            /** @description `IMAGE_MISSING`: No image was uploaded; `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `BATCH_TOO_LARGE`: The batch has too many items or bytes; `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `INDEX_NOT_READY`: No index is loaded yet; `DATABASE_UNAVAILABLE`: The metadata database is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getGraphql: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A GraphQL response or the sandbox page */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/graphql-response+json": unknown;
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postGraphql: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    operationName?: string;
                    /** @description A GraphQL document (queries need no key; mutations an admin key) */
                    query: string;
                    variables?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description A GraphQL response */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/graphql-response+json": unknown;
                };
            };
            /** @description `INVALID_ARGUMENT`: Invalid argument; `BAD_REQUEST`: Bad request */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `PAYLOAD_TOO_LARGE`: The request body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `UNSUPPORTED_MEDIA_TYPE`: Unsupported content type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `RATE_LIMITED`: Too many requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHealthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4": unknown;
                };
            };
            /** @description `API_KEY_REQUIRED`: This operation needs an API key; `API_KEY_INVALID`: The API key is not valid */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getReadyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description `METHOD_NOT_ALLOWED`: This route does not answer that method */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not ready, with the reasons */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
}
