/**
 * The JSON the page reads from the REST API. These mirror server/services.ts and
 * src/search/types.ts; test/browser/api-types.check.ts makes the compiler compare them, so the
 * page cannot drift from the server unnoticed. (The server modules themselves are not imported:
 * they pull in Node-only code.)
 */
export interface PaintingSummary {
  id: number;
  title: string | null;
  year: string | null;
  style: string | null;
  split: string;
  artistId: number;
  artist: string;
  width: number;
  height: number;
  imageUrl: string;
  thumbnailUrl: string;
}

export interface PaintingNeighbour extends PaintingSummary {
  distance: number;
}

export interface ArtistMatch {
  artistId: number;
  artist: string;
  distance: number;
  score: number;
  paintings: PaintingNeighbour[];
}

export interface QueryInfo {
  paintingId: number | null;
  modelVersion: number;
  indexId: number;
  tookMs: number;
}

export interface NearestArtistsResult {
  artists: ArtistMatch[];
  query: QueryInfo;
}

export interface SimilarPaintingsResult {
  paintings: PaintingNeighbour[];
  query: QueryInfo;
}

export interface VerifyResult {
  sameArtist: boolean;
  distance: number;
  threshold: number;
  confidence: number;
  probabilitySameArtist: number;
  calibration: { source: 'evaluation' | 'default'; evaluationId: number | null };
  modelVersion: number;
}

export interface StoredUpload {
  id: string;
  width: number;
  height: number;
  expiresAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ArtistSummary {
  id: number;
  name: string;
  slug: string;
  split: string;
  paintingCount: number;
}

export interface TrainingEpoch {
  epoch: number;
  trainLoss: number;
  valTripletAccuracy: number | null;
  valAuc: number | null;
  learningRate: number;
  seconds: number;
}

export interface ModelSummary {
  version: number;
  preset: string;
  status: 'training' | 'complete' | 'failed';
  embeddingDim: number;
  createdAt: string;
  completedAt: string | null;
  metrics: Record<string, unknown> | null;
  epochs: TrainingEpoch[];
}

export interface RocPoint {
  threshold: number;
  tpr: number;
  fpr: number;
}

export interface DistanceHistograms {
  binWidth: number;
  same: number[];
  different: number[];
}

export interface RocEvaluation {
  id: number;
  modelVersion: number | null;
  subject: string;
  split: string | null;
  auc: number;
  aucSameStyle: number | null;
  tripletAccuracy: number;
  eerThreshold: number;
  bestThreshold: number;
  bestAccuracy: number;
  pairs: number;
  roc: RocPoint[];
  histograms: DistanceHistograms | null;
  createdAt: string;
}

export interface Progress {
  done: number;
  total: number;
}

export interface IndexStatus {
  serving: {
    id: number;
    modelVersion: number;
    elementCount: number;
    params: { M: number; efConstruction: number; ef: number };
    buildSeconds: number | null;
    createdAt: string;
  } | null;
  building: { jobId: string; phase: string; progress: Progress } | null;
}

export interface Job {
  id: string;
  kind: 'index' | 'train' | 'evaluate';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  phase: string;
  progress: Progress;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface MapPoint {
  paintingId: number;
  artistId: number;
  artist: string;
  title: string | null;
  x: number;
  y: number;
  thumbnailUrl: string;
}

export interface EmbeddingMap {
  method: 'umap';
  modelVersion: number;
  indexId: number;
  total: number;
  points: MapPoint[];
}
