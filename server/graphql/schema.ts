/**
 * The GraphQL schema. Result types mirror the REST JSON (src/search/types.ts, server/services.ts)
 * field for field, so both APIs describe the same objects.
 *
 * Images are referred to, never sent: upload a file with REST `POST /api/uploads` first and pass
 * its id. Multipart GraphQL requests would need an exception to the CSRF prevention (they are
 * "simple" requests a browser sends cross-site without a preflight), and a second upload path.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/db/repositories/pagination.js';
import { BACKBONE_NAMES, DEFAULT_BACKBONE } from '../../src/encoders/backbone-choices.js';
import { EMBED_VIEW_SET_NAMES } from '../../src/backbone/views.js';
import { MAP_DEFAULT_POINTS, MAP_MAX_POINTS } from '../../src/services/embedding-map-service.js';
import { DEFAULT_K, DEFAULT_NEIGHBOURS, DEFAULT_SIMILAR } from '../../src/services/query-service.js';

export const typeDefs = /* GraphQL */ `#graphql
  "Any JSON value (metrics, job parameters and results)."
  scalar JSON

  "Where a query image comes from: a corpus painting, or an upload stored with REST POST /api/uploads."
  input ImageRef @oneOf {
    paintingId: ID
    uploadId: ID
  }

  "Two images whose painters are compared."
  input PairInput {
    a: ImageRef!
    b: ImageRef!
  }

  input SearchFilter {
    "Only paintings of these splits (e.g. train, validation, test)."
    splits: [String!]
    "Only paintings of this style (case-insensitive)."
    style: String
    "Leave out the query painting's own artist (corpus paintings only)."
    excludeOwnArtist: Boolean
  }

  input TrainingInput {
    "pretrained, small or seed."
    preset: String
    epochs: Int
    "triplet or contrastive."
    loss: String
    "random, batch-hard or batch-all."
    mining: String
    "The frozen backbone of a head preset: ${BACKBONE_NAMES.join(', ')} (default ${DEFAULT_BACKBONE})."
    backbone: String
    "Head presets: the views averaged into each painting's embedding: ${EMBED_VIEW_SET_NAMES.join(', ')} (the painting and its mirror image)."
    embedViews: String
    "Train on every labelled artist, the test split's too: the model has no held-out evaluation and is calibrated by the same configuration trained without it."
    allArtists: Boolean
    "Rebuild the index with the new model when training succeeds (default true)."
    rebuildIndex: Boolean
  }

  type Painting {
    id: ID!
    title: String
    year: String
    style: String
    "train, validation, test, added or unlabelled."
    split: String!
    "Null for an unlabelled painting (artist unknown)."
    artistId: ID
    "The artist's name; null for an unlabelled painting."
    artist: String
    "The artist as an object; null for an unlabelled painting."
    artistDetails: Artist
    width: Int!
    height: Int!
    imageUrl: String!
    thumbnailUrl: String!
  }

  type PaintingNeighbour {
    id: ID!
    title: String
    year: String
    style: String
    split: String!
    artistId: ID
    artist: String
    width: Int!
    height: Int!
    imageUrl: String!
    thumbnailUrl: String!
    "Euclidean distance in the embedding space."
    distance: Float!
  }

  type Artist {
    id: ID!
    name: String!
    slug: String!
    "train or test."
    split: String!
    paintingCount: Int!
    paintings(first: Int, after: String, split: String, style: String): PaintingConnection!
  }

  "A page: pass nextCursor as after for the next one; null on the last page."
  type ArtistConnection {
    items: [Artist!]!
    nextCursor: String
  }

  type PaintingConnection {
    items: [Painting!]!
    nextCursor: String
  }

  type ArtistMatch {
    artistId: ID!
    artist: String!
    "Mean distance of the artist's (up to 3) nearest paintings."
    distance: Float!
    "What the ranking used when it is cohort-normalised (the padded mean of the 3 best normalised distances); null when ranked by raw distances."
    normalisedDistance: Float
    "0-1, higher is closer."
    score: Float!
    paintings: [PaintingNeighbour!]!
  }

  type QueryInfo {
    paintingId: ID
    modelVersion: Int!
    indexId: Int!
    tookMs: Float!
  }

  "Whether the best artist is likely the painter at all."
  type OpenSet {
    "indexed-artist, no-indexed-artist or uncertain."
    verdict: String!
    "Probability that the painter is one of the indexed artists (calibrated on held-out artists, equal prior)."
    probabilityIndexed: Float!
    "Probability that the best-ranked artist is the painter, at the held-out mix of indexed and outside painters; null when not calibrated."
    probabilityBestArtist: Float
    "The score the rule reads."
    score: String!
    "A verdict is stated at this probability or more."
    confidence: Float!
    evaluationId: Int
  }

  type NearestArtistsResult {
    artists: [ArtistMatch!]!
    "Null when the model has no open-set rule."
    openSet: OpenSet
    "raw or csls: how the artists were ranked."
    ranking: String!
    query: QueryInfo!
  }

  type SimilarPaintingsResult {
    paintings: [PaintingNeighbour!]!
    query: QueryInfo!
  }

  type Calibration {
    "evaluation or default."
    source: String!
    evaluationId: Int
  }

  type PairScore {
    "distance or csls (the cohort-normalised distance)."
    kind: String!
    value: Float!
  }

  type Verification {
    sameArtist: Boolean!
    distance: Float!
    "What the decision reads; the threshold is in its units."
    score: PairScore!
    threshold: Float!
    confidence: Float!
    probabilitySameArtist: Float!
    calibration: Calibration!
    modelVersion: Int!
  }

  "Why one item of a batch has no result: the error a single query would have answered with."
  type ItemError {
    code: String!
    message: String!
    details: JSON
  }

  type NearestArtistsItem {
    index: Int!
    result: NearestArtistsResult
    error: ItemError
  }

  type SimilarPaintingsItem {
    index: Int!
    result: SimilarPaintingsResult
    error: ItemError
  }

  type VerificationItem {
    index: Int!
    result: Verification
    error: ItemError
  }

  "One item per input, in order."
  type NearestArtistsBatch {
    items: [NearestArtistsItem!]!
    succeeded: Int!
    failed: Int!
    tookMs: Float!
  }

  type SimilarPaintingsBatch {
    items: [SimilarPaintingsItem!]!
    succeeded: Int!
    failed: Int!
    tookMs: Float!
  }

  type VerificationBatch {
    items: [VerificationItem!]!
    succeeded: Int!
    failed: Int!
    tookMs: Float!
  }

  type RocPoint {
    threshold: Float!
    tpr: Float!
    fpr: Float!
  }

  type DistanceHistograms {
    "Lower edge of the first bin."
    min: Float!
    binWidth: Float!
    same: [Float!]!
    different: [Float!]!
  }

  type RocEvaluation {
    id: Int!
    modelVersion: Int
    subject: String!
    split: String
    auc: Float!
    aucSameStyle: Float
    tripletAccuracy: Float!
    eerThreshold: Float!
    bestThreshold: Float!
    bestAccuracy: Float!
    pairs: Int!
    roc: [RocPoint!]!
    histograms: DistanceHistograms
    "The cohort-normalised distance on the same pairs (null for older evaluations)."
    csls: CslsEvaluation
    "Top-1 / top-5 nearest artist of the evaluated paintings against the corpus."
    ranking: RankingEvaluation
    "Known vs unknown painters: every candidate score, the chosen one's reliability and verdicts."
    openSet: OpenSetEvaluation
    createdAt: String!
  }

  type CslsEvaluation {
    k: Int!
    "mean (d - (r_x + r_y)/2) or ratio (d / ((r_x + r_y)/2))."
    variant: String!
    auc: Float!
    aucSameStyle: Float
    tripletAccuracy: Float!
    bestThreshold: Float!
    cohortPaintings: Int!
    histograms: DistanceHistograms
  }

  type TopK {
    top1: Float!
    top5: Float!
  }

  type RankingEvaluation {
    queries: Int!
    raw: TopK!
    csls: TopK
    "raw or csls: the ranking served for this model."
    chosen: String!
  }

  type OpenSetScore {
    score: String!
    auroc: Float!
    accuracy: Float!
    ece: Float!
  }

  type ReliabilityBin {
    lo: Float!
    hi: Float!
    count: Int!
    meanPredicted: Float!
    observed: Float!
  }

  type OpenSetEvaluation {
    chosen: String!
    knownQueries: Int!
    unknownQueries: Int!
    scores: [OpenSetScore!]!
    reliability: [ReliabilityBin!]!
    ece: Float!
    confidence: Float!
    coverage: Float!
    verdictAccuracy: Float
  }

  type TrainingEpoch {
    epoch: Int!
    trainLoss: Float!
    valTripletAccuracy: Float
    valAuc: Float
    learningRate: Float!
    seconds: Float!
  }

  type Model {
    version: Int!
    preset: String!
    "training, complete or failed."
    status: String!
    embeddingDim: Int!
    createdAt: String!
    completedAt: String
    metrics: JSON
    "training: trained on the training split's artists (its test split measures unseen artists); all: trained on every labelled artist (--all-artists), no held-out evaluation."
    artists: String!
    "Which evaluation calibrates the model's answers."
    calibration: ModelCalibration!
    epochs: [TrainingEpoch!]!
  }

  type ModelCalibration {
    "chosen (with painter calibrate or chooseCalibration), test-split (the newest evaluation on the model's own test split), held-out-twin (a model trained on every artist: the newest test-split evaluation of the same configuration trained on the training artists only) or none."
    selection: String!
    evaluationId: Int
    "The model the calibrating evaluation measured: this one, or its held-out twin."
    evaluatedModelVersion: Int
    split: String
    datasetId: Int
    datasetPath: String
    evaluatedAt: String
    "distance or csls: what same-painter decisions read."
    pairScore: String!
    "raw or csls."
    ranking: String!
    "Whether an open-set rule is stored."
    openSet: Boolean!
  }

  type HnswParams {
    M: Int!
    efConstruction: Int!
    ef: Int!
  }

  type ServingIndex {
    id: Int!
    modelVersion: Int!
    "hnswlib or pgvector."
    store: String!
    elementCount: Int!
    params: HnswParams!
    buildSeconds: Float
    createdAt: String!
  }

  "A rebuild in progress: the job doing it and how far it is."
  type IndexBuild {
    jobId: ID!
    phase: String!
    progress: JobProgress!
  }

  type IndexStatus {
    "The index answering queries now; null when none is loaded."
    serving: ServingIndex
    "The build the alias names: every replica converges on it."
    activeBuildId: Int
    "A build was activated by hand: finished rebuilds do not replace it."
    pinned: Boolean!
    "A rebuild in progress, if any."
    building: IndexBuild
  }

  "A painting placed on the corpus map."
  type MapPoint {
    paintingId: ID!
    artistId: ID!
    artist: String!
    title: String
    x: Float!
    y: Float!
    thumbnailUrl: String!
  }

  "The serving index's paintings laid out in 2-D, to see how the encoder groups artists."
  type EmbeddingMap {
    "umap."
    method: String!
    modelVersion: Int!
    indexId: Int!
    "Paintings in the index; points holds a sample of at most the requested size."
    total: Int!
    points: [MapPoint!]!
  }

  "A written index build: complete ones can be activated (rollback without a rebuild)."
  type IndexBuildRecord {
    id: Int!
    modelVersion: Int!
    "building, complete or failed."
    status: String!
    "hnswlib or pgvector."
    store: String!
    elementCount: Int
    params: HnswParams!
    buildSeconds: Float
    failureReason: String
    createdAt: String!
    completedAt: String
    "The alias points at it: every replica serves it."
    active: Boolean!
    "Active and pinned."
    pinned: Boolean!
  }

  type IndexBuildList {
    "Newest first."
    builds: [IndexBuildRecord!]!
    activeBuildId: Int
    pinned: Boolean!
    "Complete builds kept; older ones are deleted, never the active one."
    keepBuilds: Int!
  }

  type JobProgress {
    done: Int!
    total: Int!
  }

  type JobError {
    code: String!
    message: String!
  }

  type Job {
    id: ID!
    "index, train or evaluate."
    kind: String!
    "queued, running, succeeded, failed or cancelled."
    status: String!
    phase: String!
    progress: JobProgress!
    params: JSON!
    result: JSON
    error: JobError
    createdAt: String!
    startedAt: String
    finishedAt: String
    "The replica running it."
    owner: String
    "Claims so far: a job whose replica died may run again."
    attempts: Int!
    cancelRequested: Boolean!
  }

  type Query {
    "The artists whose paintings are nearest to the image (k: 1-100, default ${DEFAULT_K}; neighbours: 1-500, default ${DEFAULT_NEIGHBOURS})."
    nearestArtists(image: ImageRef!, k: Int, neighbours: Int, filter: SearchFilter): NearestArtistsResult!
    "The paintings nearest to the image (k: 1-100, default ${DEFAULT_SIMILAR})."
    similarPaintings(image: ImageRef!, k: Int, filter: SearchFilter): SimilarPaintingsResult!
    "Whether two images share a painter, with the calibrated threshold."
    verifyPair(a: ImageRef!, b: ImageRef!): Verification!
    "Nearest artists of many images: one item per image in order, a bad image answered with its error."
    nearestArtistsBatch(images: [ImageRef!]!, k: Int, neighbours: Int, filter: SearchFilter): NearestArtistsBatch!
    "Nearest paintings of many images."
    similarPaintingsBatch(images: [ImageRef!]!, k: Int, filter: SearchFilter): SimilarPaintingsBatch!
    "Many pairs in one call; an image named by several pairs is embedded once."
    verifyPairs(pairs: [PairInput!]!): VerificationBatch!
    "The latest stored evaluation of a model (default: the serving one)."
    rocEvaluation(modelVersion: Int): RocEvaluation!
    "Artists by cursor (first: 1-${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE})."
    artists(first: Int, after: String, split: String, search: String): ArtistConnection!
    "Null when there is no such artist."
    artist(id: ID!): Artist
    paintings(first: Int, after: String, artistId: ID, split: String, style: String): PaintingConnection!
    "Null when there is no such painting."
    painting(id: ID!): Painting
    models: [Model!]!
    "Null when there is no such model version."
    model(version: Int!): Model
    indexStatus: IndexStatus!
    "Every index build, with the alias and the retention setting."
    indexBuilds: IndexBuildList!
    "The serving index's paintings in 2-D (UMAP; limit: 1-${MAP_MAX_POINTS} points, default ${MAP_DEFAULT_POINTS})."
    embeddingMap(limit: Int): EmbeddingMap!
    jobs: [Job!]!
    "Null when there is no such job."
    job(id: ID!): Job
  }

  "Every mutation needs an admin key (x-api-key or Authorization: Bearer)."
  type Mutation {
    "Rebuild the index (default: with the newest complete model) as a job; fails with JOB_CONFLICT while one runs."
    rebuildIndex(modelVersion: Int): Job!
    startTraining(input: TrainingInput): Job!
    startEvaluation(modelVersion: Int): Job!
    "Removes a painting from the live index and the corpus."
    removePainting(id: ID!): Boolean!
    "Names the evaluation that calibrates a model (one of its own); null returns to its newest test-split evaluation."
    chooseCalibration(modelVersion: Int!, evaluationId: Int): Model!
    "Stops a job on whichever replica runs it (a queued one at once); it ends cancelled."
    cancelJob(id: ID!): Job!
    "Makes a complete build the one every replica serves (pin, default true: rebuilds then leave it)."
    activateIndexBuild(id: Int!, pin: Boolean): IndexBuildList!
    "Lets the next finished rebuild take over again."
    unpinIndex: IndexBuildList!
    "How many complete builds to keep (1-1000); older ones are deleted now."
    setIndexRetention(keep: Int!): IndexBuildList!
  }
`;
