/**
 * The app in-process over fake services: every service method is a vi.fn() answering a fixed,
 * contract-shaped value, so tests can assert what reached the service and what came back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi, type Mock } from 'vitest';
import type { PainterError } from '../../src/errors.js';
import type { BatchImage } from '../../src/search/types.js';
import { createApp, type CreateAppOptions } from '../../server/app.js';
import type { ArtistSummary, Job, ModelSummary, PaintingSummary, RocEvaluation, ServerServices } from '../../server/services.js';

export const KEY = 'key-0123456789abcdef';
export const OTHER_KEY = 'second-key-xyz';
export const MAX_UPLOAD = 64 * 1024;

export const painting: PaintingSummary = {
  id: 7,
  title: 'Starry Night',
  year: '1889',
  style: 'Post-Impressionism',
  split: 'test',
  artistId: 3,
  artist: 'Vincent van Gogh',
  width: 640,
  height: 480,
  imageUrl: '/api/paintings/7/image',
  thumbnailUrl: '/api/paintings/7/thumbnail',
};
export const artist: ArtistSummary = { id: 3, name: 'Vincent van Gogh', slug: 'vincent-van-gogh', split: 'test', paintingCount: 12 };
const queryInfo = { paintingId: null, modelVersion: 2, indexId: 4, tookMs: 12.5 };
export const nearest = {
  artists: [{ artistId: 3, artist: 'Vincent van Gogh', distance: 0.42, normalisedDistance: null, score: 0.8, paintings: [{ ...painting, distance: 0.4 }] }],
  openSet: { verdict: 'uncertain' as const, probabilityIndexed: 0.6, probabilityBestArtist: 0.2, score: 'radius-gap' as const, confidence: 0.75, evaluationId: 5 },
  ranking: 'raw' as const,
  query: queryInfo,
};
export const similar = { paintings: [{ ...painting, distance: 0.4 }], query: queryInfo };
export const verification = {
  sameArtist: true,
  distance: 0.31,
  score: { kind: 'distance' as const, value: 0.31 },
  threshold: 0.9,
  confidence: 0.87,
  probabilitySameArtist: 0.87,
  calibration: { source: 'evaluation' as const, evaluationId: 5 },
  modelVersion: 2,
};
export const model: ModelSummary = {
  version: 2,
  preset: 'small',
  status: 'complete',
  embeddingDim: 64,
  createdAt: '2025-01-01T00:00:00.000Z',
  completedAt: '2025-01-01T01:00:00.000Z',
  metrics: { auc: 0.91 },
  artists: 'training',
  calibration: {
    selection: 'test-split',
    evaluationId: 5,
    evaluatedModelVersion: 2,
    split: 'test',
    datasetId: 1,
    datasetPath: null,
    evaluatedAt: '2025-01-01T02:00:00.000Z',
    pairScore: 'distance',
    ranking: 'raw',
    openSet: true,
  },
  epochs: [{ epoch: 1, trainLoss: 0.5, valTripletAccuracy: 0.8, valAuc: 0.85, learningRate: 0.001, seconds: 30 }],
};
export const roc: RocEvaluation = {
  id: 5,
  modelVersion: 2,
  subject: 'test-artists',
  split: 'test',
  auc: 0.91,
  aucSameStyle: null,
  tripletAccuracy: 0.88,
  eerThreshold: 0.95,
  bestThreshold: 0.9,
  bestAccuracy: 0.86,
  pairs: 400,
  roc: [{ threshold: 0, tpr: 0, fpr: 0 }, { threshold: 2, tpr: 1, fpr: 1 }],
  histograms: null,
  csls: null,
  ranking: null,
  openSet: null,
  createdAt: '2025-01-01T02:00:00.000Z',
};
export const indexStatus = {
  serving: { id: 4, modelVersion: 2, store: 'hnswlib' as const, elementCount: 60, params: { M: 16, efConstruction: 200, ef: 64 }, buildSeconds: 3.2, createdAt: '2025-01-01T03:00:00.000Z' },
  activeBuildId: 4,
  pinned: false,
  building: null,
};
export const buildList = {
  builds: [
    {
      id: 4, modelVersion: 2, status: 'complete' as const, store: 'hnswlib' as const, elementCount: 60, params: { M: 16, efConstruction: 200, ef: 64 },
      buildSeconds: 3.2, failureReason: null, createdAt: '2025-01-01T03:00:00.000Z', completedAt: '2025-01-01T03:00:03.000Z', active: true, pinned: false,
    },
  ],
  activeBuildId: 4,
  pinned: false,
  keepBuilds: 3,
};
export const job: Job = {
  id: 'job-1',
  kind: 'index',
  status: 'queued',
  phase: 'queued',
  progress: { done: 0, total: 0 },
  params: { modelVersion: 2 },
  result: null,
  error: null,
  createdAt: '2025-01-01T04:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  owner: null,
  attempts: 0,
  cancelRequested: false,
};
export const embeddingMap = {
  method: 'umap' as const,
  modelVersion: 2,
  indexId: 4,
  total: 60,
  points: [{ paintingId: 7, artistId: 3, artist: 'Vincent van Gogh', title: 'Starry Night', x: 1.5, y: -0.25, thumbnailUrl: '/api/paintings/7/thumbnail' }],
};
export const backup = {
  name: 'backup-2025-01-01T05-00-00-000Z',
  dir: '/data/backups/backup-2025-01-01T05-00-00-000Z',
  createdAt: '2025-01-01T05:00:00.000Z',
  method: 'pglite-dump' as const,
  modelVersions: [2],
  indexBuild: 4,
  addedPaintings: 0,
  files: 5,
  bytes: 123456,
};
export const upload = { id: '3f2a9c1e-0000-4000-8000-000000000001', width: 64, height: 48, expiresAt: '2025-01-02T00:00:00.000Z' };

/** A fake batch answer: invalid items get their error, the others `result`. */
function batchOf<T>(items: readonly (BatchImage | readonly [BatchImage, BatchImage])[], result: T) {
  const out = items.map((item, index) => {
    const invalid = (Array.isArray(item) ? item : [item]).find((i: BatchImage) => i.kind === 'invalid') as { error: PainterError } | undefined;
    return invalid ? { index, result: null, error: invalid.error.toJSON() } : { index, result, error: null };
  });
  const failed = out.filter((o) => o.error).length;
  return { items: out, succeeded: out.length - failed, failed, tookMs: 1 };
}

type Fakes<T> = { [G in keyof T]: { [M in keyof T[G]]: T[G][M] extends (...a: never[]) => unknown ? Mock<T[G][M]> : never } };
export type FakeServices = Fakes<ServerServices>;

/** Files served by the fake catalog. */
export function imageFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'painter-server-test-'));
  const image = join(dir, 'painting.png');
  const thumb = join(dir, 'thumb.jpg');
  writeFileSync(image, Buffer.from('PNGDATA'));
  writeFileSync(thumb, Buffer.from('JPEGDATA'));
  return { image, thumb, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function fakeServices(files: { image: string; thumb: string }): FakeServices {
  return {
    query: {
      nearestArtists: vi.fn(async () => nearest),
      similarPaintings: vi.fn(async () => similar),
      verify: vi.fn(async () => verification),
      nearestArtistsMany: vi.fn(async (images) => batchOf(images, nearest)),
      similarPaintingsMany: vi.fn(async (images) => batchOf(images, similar)),
      verifyMany: vi.fn(async (pairs) => batchOf(pairs, verification)),
    },
    uploads: { store: vi.fn(async () => upload) },
    catalog: {
      artists: vi.fn(async () => ({ items: [artist], nextCursor: 'c2' })),
      artist: vi.fn(async () => artist),
      paintings: vi.fn(async () => ({ items: [painting], nextCursor: null })),
      painting: vi.fn(async () => painting),
      imageFile: vi.fn(async () => ({ path: files.image, contentType: 'image/png' })),
      thumbnail: vi.fn(async () => ({ path: files.thumb, contentType: 'image/jpeg' })),
      addPainting: vi.fn(async () => ({ ...painting, id: 99 })),
      removePainting: vi.fn(async (id: number) => ({ id, removed: true as const })),
    },
    models: {
      list: vi.fn(async () => [model]),
      get: vi.fn(async () => model),
      rocEvaluation: vi.fn(async () => roc),
      chooseCalibration: vi.fn(async () => model),
    },
    index: {
      status: vi.fn(async () => indexStatus),
      embeddingMap: vi.fn(async () => embeddingMap),
      builds: vi.fn(async () => buildList),
      activate: vi.fn(async () => ({ ...buildList, pinned: true })),
      unpin: vi.fn(async () => buildList),
      setRetention: vi.fn(async (keep: number) => ({ ...buildList, keepBuilds: keep })),
    },
    jobs: {
      startIndex: vi.fn(async () => job),
      startTraining: vi.fn(async () => ({ ...job, id: 'job-2', kind: 'train' as const })),
      startEvaluation: vi.fn(async () => ({ ...job, id: 'job-3', kind: 'evaluate' as const })),
      get: vi.fn(async () => job),
      list: vi.fn(async () => [job]),
      cancel: vi.fn(async () => ({ ...job, status: 'running' as const, cancelRequested: true })),
    },
    backups: { create: vi.fn(async () => backup) },
    health: { ready: vi.fn(async () => ({ ready: true, database: true, index: true, reasons: [] })) },
  };
}

export interface TestServer {
  base: string;
  services: FakeServices;
  log: { info: Mock<(m: string) => void>; warn: Mock<(m: string) => void> };
  /** JSON of a response, with its status and headers. */
  call(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }>;
  gql(query: string, variables?: object, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTestServer(
  config: Partial<CreateAppOptions['config']> = {},
  webDir?: string,
  extra: Pick<CreateAppOptions, 'logger' | 'metrics'> = {},
): Promise<TestServer> {
  const files = imageFiles();
  const services = fakeServices(files);
  const log = { info: vi.fn<(m: string) => void>(), warn: vi.fn<(m: string) => void>() };
  const { app, close } = await createApp({
    services,
    config: { adminKeys: [KEY, OTHER_KEY], maxUploadBytes: MAX_UPLOAD, graphqlIntrospection: true, ...config },
    log,
    webDir,
    ...extra,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(base + path, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body };
  };
  return {
    base,
    services,
    log,
    call,
    gql: (query, variables, headers = {}) => call('/graphql', jsonPost({ query, variables }, headers)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
      files.cleanup();
    },
  };
}

export function jsonPost(body: unknown, headers: Record<string, string> = {}, method = 'POST'): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function form(files: Record<string, Buffer | string>, fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  for (const [name, v] of Object.entries(files)) f.append(name, new Blob([new Uint8Array(Buffer.from(v))], { type: 'image/jpeg' }), `${name}.jpg`);
  for (const [name, v] of Object.entries(fields)) f.append(name, v);
  return f;
}

export const IMAGE = Buffer.from('fake image bytes: the services validate content');
