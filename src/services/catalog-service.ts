/**
 * Browsing the corpus, serving its images and thumbnails, and adding or removing paintings. An
 * added painting is stored under the data directory (the dataset folder is never written to),
 * recorded in the database and inserted into the live index.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { CatalogRepository } from '../db/repositories/catalog-repository.js';
import type { DatasetRepository } from '../db/repositories/dataset-repository.js';
import { DEFAULT_PAGE_SIZE } from '../db/repositories/pagination.js';
import type { IndexBuildRepository } from '../db/repositories/index-build-repository.js';
import type { Page, PaintingSplit } from '../db/types.js';
import { PainterError } from '../errors.js';
import { MAX_INPUT_PIXELS } from '../images/decode-errors.js';
import { contentTypeForPath, extensionFor, validateUpload } from '../images/validate-upload.js';
import type { PaintingSummary } from '../search/types.js';
import { writeFileAtomic } from '../util/files.js';
import type { IndexService } from './index-service.js';
import type { LiveIndex } from './live-index.js';
import { toSummary } from './painting-summary.js';

export const THUMBNAIL_SIZES = [128, 256, 512] as const;

export interface AddPainting {
  bytes: Buffer;
  filename?: string;
  artist: string;
  title?: string | null;
  year?: string | null;
  style?: string | null;
}

export class CatalogService {
  private readonly repo: CatalogRepository;
  private readonly datasets: DatasetRepository;
  private readonly builds: IndexBuildRepository;

  constructor(
    private readonly cfg: Pick<Config, 'dataDir' | 'cacheDir'>,
    repos: Pick<Repositories, 'catalog' | 'datasets' | 'builds'>,
    private readonly live: LiveIndex,
    private readonly indexes: IndexService,
  ) {
    this.repo = repos.catalog;
    this.datasets = repos.datasets;
    this.builds = repos.builds;
  }

  artists(page: { limit?: number; after?: string | null; split?: 'train' | 'test'; search?: string }) {
    return this.repo.artistsPage({ ...page, limit: page.limit ?? DEFAULT_PAGE_SIZE, after: page.after ?? undefined });
  }

  artist(id: number) {
    return this.repo.getArtist(id);
  }

  async paintings(page: { limit?: number; after?: string | null; artistId?: number; split?: PaintingSplit; style?: string }): Promise<Page<PaintingSummary>> {
    const result = await this.repo.paintingsPage({ ...page, limit: page.limit ?? DEFAULT_PAGE_SIZE, after: page.after ?? undefined });
    return { items: result.items.map(toSummary), nextCursor: result.nextCursor };
  }

  async painting(id: number): Promise<PaintingSummary> {
    return toSummary(await this.repo.getPainting(id));
  }

  async imageFile(id: number): Promise<{ path: string; contentType: string }> {
    const p = await this.repo.getPainting(id);
    await stat(p.filePath).catch(() => {
      throw new PainterError('PAINTING_NOT_FOUND', `The image file of painting ${id} is missing`, { id });
    });
    return { path: p.filePath, contentType: contentTypeForPath(p.filePath) };
  }

  /** JPEG thumbnails are made once per painting and size, then served from the cache. */
  async thumbnail(id: number, size = 256): Promise<{ path: string; contentType: string }> {
    if (!(THUMBNAIL_SIZES as readonly number[]).includes(size)) {
      throw new PainterError('INVALID_ARGUMENT', `Thumbnail size must be one of ${THUMBNAIL_SIZES.join(', ')}`, { size });
    }
    const p = await this.repo.getPainting(id);
    const path = join(this.cfg.cacheDir, 'thumbnails', `${id}-${size}.jpg`);
    if (await stat(path).then(() => true, () => false)) return { path, contentType: 'image/jpeg' };
    await mkdir(join(this.cfg.cacheDir, 'thumbnails'), { recursive: true });
    let jpeg: Buffer;
    try {
      jpeg = await sharp(p.filePath, { limitInputPixels: MAX_INPUT_PIXELS })
        .rotate()
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 82 })
        .toBuffer();
    } catch (e) {
      throw new PainterError('IMAGE_UNREADABLE', `The image of painting ${id} cannot be read: ${(e as Error).message.split('\n')[0]}`, { id });
    }
    await writeFileAtomic(path, jpeg);
    return { path, contentType: 'image/jpeg' };
  }

  async addPainting(input: AddPainting): Promise<PaintingSummary> {
    const artist = input.artist?.trim();
    if (!artist) throw new PainterError('INVALID_ARGUMENT', 'An added painting needs an artist name', { field: 'artist' });
    const image = await validateUpload(input.bytes, input.filename ? `'${input.filename}'` : undefined);
    const serving = this.live.serving;
    const dataset = serving ? await this.datasetOf(serving.buildId) : await this.datasets.latest();
    if (!dataset) throw new PainterError('DATASET_NOT_FOUND', 'No dataset to add the painting to: import one first');
    const relPath = `added/${image.sha256}.${extensionFor(image.format)}`;
    const storedPath = join(this.cfg.dataDir, 'paintings', relPath);
    await mkdir(join(this.cfg.dataDir, 'paintings', 'added'), { recursive: true });
    await writeFileAtomic(storedPath, input.bytes);
    let added;
    try {
      added = await this.repo.addApiPainting({
        datasetId: dataset.id,
        artistName: artist,
        relPath,
        storedPath,
        sha256: image.sha256,
        title: input.title ?? null,
        year: input.year ?? null,
        style: input.style ?? null,
        width: image.width,
        height: image.height,
      });
    } catch (e) {
      // A duplicate keeps the stored file: it is the same bytes the existing painting points to.
      if (!(e instanceof PainterError && e.code === 'PAINTING_DUPLICATE')) await rm(storedPath, { force: true });
      throw e;
    }
    const row = await this.repo.getPainting(added.id);
    if (serving) {
      try {
        await this.indexes.addPainting({ id: row.id, artistId: row.artistId, split: row.split, style: row.style, filePath: row.filePath });
      } catch (e) {
        // Not searchable means not added: undo so the corpus and the index agree.
        await this.repo.removePainting(row.id).catch(() => undefined);
        await rm(storedPath, { force: true });
        throw e;
      }
    }
    return toSummary(row);
  }

  async removePainting(id: number): Promise<{ id: number; removed: true }> {
    const removed = await this.repo.removePainting(id);
    await this.indexes.removePainting(id);
    if (removed.storedPath) await rm(removed.storedPath, { force: true });
    for (const size of THUMBNAIL_SIZES) await rm(join(this.cfg.cacheDir, 'thumbnails', `${id}-${size}.jpg`), { force: true });
    return { id, removed: true };
  }

  private async datasetOf(buildId: number) {
    const build = await this.builds.get(buildId);
    return (build?.datasetId != null ? await this.datasets.findById(build.datasetId) : null) ?? this.datasets.latest();
  }
}
