/**
 * Input schemas shared by the REST routes and the GraphQL resolvers, so both reject the same
 * values with the same INVALID_ARGUMENT naming the field.
 */
import { z } from 'zod';
import { ARTIST_SPLITS, PAINTING_SPLITS } from '../../src/db/types.js';
import { BACKBONE_NAMES } from '../../src/encoders/backbone-choices.js';
import { EMBED_VIEW_SET_NAMES } from '../../src/backbone/views.js';
import { PRESET_NAMES } from '../../src/encoders/presets.js';
import { MAX_PAGE_SIZE } from '../../src/db/repositories/pagination.js';
import { PainterError } from '../../src/errors.js';
import { DEFAULT_K } from '../../src/services/query-service.js';
import type { QueryImage, SearchFilters } from '../../src/search/types.js';
import { MAP_MAX_POINTS } from '../../src/services/embedding-map-service.js';

/** Ids are PostgreSQL int4. */
const MAX_ID = 2_147_483_647;

/**
 * A whole number from a query string, a form field or JSON. Strings must be plain digits: Number()
 * alone would accept '', ' 7', '1e3' and '0x10'.
 */
function int(min: number, max: number, expected = 'expected an integer') {
  // The schema-wide message is for a value of the wrong kind only; a number out of range says the range.
  const range = `expected an integer from ${min} to ${max}`;
  return z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? expected : undefined) })
      .int({ error: expected })
      .min(min, { error: range })
      .max(max, { error: range }),
  );
}

export { DEFAULT_K };

export const idSchema = int(1, MAX_ID, 'expected a positive integer id');
export const versionSchema = int(1, MAX_ID, 'expected a model version number');
export const kSchema = int(1, 100);
export const neighboursSchema = int(1, 500);
export const limitSchema = int(1, MAX_PAGE_SIZE);
/** The catalog decides which sizes it renders; this only keeps the number sane. */
export const thumbnailSizeSchema = int(1, 4096);
export const cursorSchema = z.string().min(1).max(512);
export const uploadIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected an upload id');
export const buildIdSchema = int(1, MAX_ID, 'expected an index build id');
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected a job id');
export const styleSchema = z.string().trim().min(1).max(100);
/** An empty search means no search. */
export const searchSchema = z
  .string()
  .max(200)
  .transform((s) => s.trim() || undefined);
export const paintingSplitSchema = z.enum(PAINTING_SPLITS);
export const artistSplitSchema = z.enum(ARTIST_SPLITS);

/** Query-string booleans: `true`/`false`/`1`/`0` (z.coerce.boolean would read 'false' as true). */
export const booleanSchema = z.preprocess(
  (v) => (typeof v === 'boolean' ? String(v) : v),
  z.enum(['true', 'false', '1', '0'], { error: 'expected true or false' }).transform((v) => v === 'true' || v === '1'),
);

/** `split=train,test` → ['train', 'test']. */
export const splitListSchema = z
  .string()
  .transform((s) => [...new Set(s.split(',').map((p) => p.trim()).filter(Boolean))])
  .pipe(z.array(paintingSplitSchema).min(1, { error: 'expected one or more of ' + PAINTING_SPLITS.join(', ') }));

const filterFields = {
  split: splitListSchema.optional(),
  style: styleSchema.optional(),
  excludeOwnArtist: booleanSchema.optional(),
};

export const nearestArtistsQuery = z.object({ k: kSchema.optional(), neighbours: neighboursSchema.optional(), ...filterFields });
export const similarPaintingsQuery = z.object({ k: kSchema.optional(), ...filterFields });
export const thumbnailQuery = z.object({ size: thumbnailSizeSchema.optional() });
export const artistsQuery = z.object({
  limit: limitSchema.optional(),
  after: cursorSchema.optional(),
  split: artistSplitSchema.optional(),
  search: searchSchema.optional(),
});
export const paintingsQuery = z.object({
  limit: limitSchema.optional(),
  after: cursorSchema.optional(),
  artistId: idSchema.optional(),
  split: paintingSplitSchema.optional(),
  style: styleSchema.optional(),
});
export const rocQuery = z.object({ model: versionSchema.optional() });
export const mapQuery = z.object({ limit: int(1, MAP_MAX_POINTS).optional() });

/** GraphQL's SearchFilter input: the same filters with the splits as a list. */
export const searchFilterInput = z.object({
  splits: z.array(paintingSplitSchema).min(1).optional(),
  style: styleSchema.optional(),
  excludeOwnArtist: z.boolean().optional(),
});

export function toFilters(q: { split?: SearchFilters['splits']; splits?: SearchFilters['splits']; style?: string; excludeOwnArtist?: boolean }): SearchFilters | undefined {
  const filters = compact({ splits: q.splits ?? q.split, style: q.style, excludeOwnArtist: q.excludeOwnArtist });
  return Object.keys(filters).length > 0 ? filters : undefined;
}

// ---- bodies -----------------------------------------------------------------------------------

/** `{ paintingId }` or `{ uploadId }` as documented (imageRefSchema checks that exactly one is given). */
export const imageRefObject = z.object({ paintingId: idSchema.optional(), uploadId: uploadIdSchema.optional() });

/** `{ paintingId }` or `{ uploadId }`: exactly one. */
export const imageRefSchema = imageRefObject
  .refine((r) => (r.paintingId === undefined) !== (r.uploadId === undefined), { error: 'give exactly one of paintingId or uploadId' })
  .transform((r): QueryImage => (r.paintingId !== undefined ? { kind: 'painting', paintingId: r.paintingId } : { kind: 'stored-upload', uploadId: r.uploadId! }));

/** Empty form fields mean "not given". */
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((s) => s?.trim() || undefined);

/** Without an artist the painting is unlabelled: searched and compared, never counted as an artist. */
export const addPaintingFields = z.object({
  artist: optionalText(200),
  title: optionalText(300),
  year: optionalText(50),
  style: optionalText(100),
});

export const modelVersionBody = z.object({ modelVersion: versionSchema.optional() });
/** Activating a build pins it unless told otherwise. */
export const activateBody = z.object({ pin: booleanSchema.optional() });
export const retentionBody = z.object({ keep: int(1, 1000, 'expected a number of builds from 1 to 1000') });

// ---- path parameters and documented bodies ------------------------------------------------------

export const idParams = z.object({ id: idSchema });
export const versionParams = z.object({ version: versionSchema });
export const jobIdParams = z.object({ id: jobIdSchema });
export const buildIdParams = z.object({ id: buildIdSchema });

/** A file part of a multipart body (documentation: multer reads it, the services validate it). */
const filePart = z.string().meta({ format: 'binary', description: 'An image file: JPEG, PNG, WebP, GIF or TIFF' });

export const imageForm = z.object({ image: filePart });
/** A batch's uploads: the file field `images`, repeated. */
export const imagesForm = z.object({ images: z.array(filePart).meta({ description: 'One file part per image, in order' }) });
export const addPaintingForm = addPaintingFields.extend({ image: filePart });
/** `a` and `b`: each a file, or a painting id as a text field. */
export const pairForm = z.object({ a: z.union([filePart, z.string()]), b: z.union([filePart, z.string()]) });
/** Each side a painting id, or `{ paintingId }` / `{ uploadId }`. */
const pairSide = z.union([idSchema, imageRefObject]);
export const pairJson = z.object({ a: pairSide, b: pairSide });
export const trainBody = z.object({
  preset: z.enum(PRESET_NAMES).optional(),
  epochs: int(1, 1000).optional(),
  loss: z.enum(['triplet', 'contrastive']).optional(),
  mining: z.enum(['random', 'batch-hard', 'batch-all']).optional(),
  backbone: z.enum(BACKBONE_NAMES).optional(),
  embedViews: z
    .enum(EMBED_VIEW_SET_NAMES)
    .optional()
    .meta({ description: "Head presets: the views averaged into each painting's embedding — center, or flip (the painting and its mirror image)" }),
  allArtists: booleanSchema
    .optional()
    .meta({ description: "Train on every labelled artist, the test split's too: the model has no held-out evaluation and is calibrated by the same configuration trained without it" }),
  rebuildIndex: booleanSchema.optional(),
});

// ---- helpers ----------------------------------------------------------------------------------

/**
 * Validates `value`, or throws INVALID_ARGUMENT naming the first offending field. `where` prefixes
 * the path (e.g. the GraphQL argument name).
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw invalidArgument(r.error, where);
}

export function invalidArgument(error: z.ZodError, where?: string): PainterError {
  const issues = error.issues.map((i) => ({ field: [where, ...i.path.map(String)].filter(Boolean).join('.') || 'input', message: i.message }));
  const first = issues[0] ?? { field: where ?? 'input', message: 'invalid value' };
  return new PainterError('INVALID_ARGUMENT', `Invalid ${first.field}: ${first.message}`, { field: first.field, issues });
}

/**
 * GraphQL passes an omitted-or-null argument as null; the schemas treat it as not given. Nested
 * input objects are cleaned too (lists are left alone: a null in a list is an error).
 */
export function withoutNulls(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, withoutNulls(x)]));
}

/** Drops undefined and null values so service calls see only what was given. */
export function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as { [K in keyof T]?: Exclude<T[K], null | undefined> };
}
