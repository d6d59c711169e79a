/**
 * Resolvers validate their arguments with the REST schemas (server/http/params.ts) and call the
 * same services. Single-object lookups answer null for an unknown id; everything else reports the
 * service's error with its code.
 */
import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';
import { z } from 'zod';
import { isPainterError, type ErrorCode } from '../../src/errors.js';
import type { PaintingSummary } from '../../src/search/types.js';
import {
  artistSplitSchema,
  compact,
  cursorSchema,
  DEFAULT_K,
  idSchema,
  imageRefSchema,
  jobIdSchema,
  kSchema,
  limitSchema,
  mapQuery,
  modelVersionBody,
  neighboursSchema,
  paintingSplitSchema,
  parse,
  searchFilterInput,
  searchSchema,
  styleSchema,
  toFilters,
  trainBody,
  versionSchema,
  withoutNulls,
} from '../http/params.js';
import type { ArtistSummary } from '../services.js';
import type { GraphqlContext as Ctx } from './context.js';

type Args = Record<string, unknown>;

const nearestArgs = z.object({ image: imageRefSchema, k: kSchema.optional(), neighbours: neighboursSchema.optional(), filter: searchFilterInput.optional() });
const similarArgs = z.object({ image: imageRefSchema, k: kSchema.optional(), filter: searchFilterInput.optional() });
const verifyArgs = z.object({ a: imageRefSchema, b: imageRefSchema });
const page = { first: limitSchema.optional(), after: cursorSchema.optional() };
const artistsArgs = z.object({ ...page, split: artistSplitSchema.optional(), search: searchSchema.optional() });
const paintingsArgs = z.object({ ...page, artistId: idSchema.optional(), split: paintingSplitSchema.optional(), style: styleSchema.optional() });
const artistPaintingsArgs = paintingsArgs.omit({ artistId: true });
const rocArgs = z.object({ modelVersion: versionSchema.optional() });

/** Validated arguments, with GraphQL's nulls read as "not given". */
const args = <S extends z.ZodType>(schema: S, raw: Args): z.output<S> => parse(schema, withoutNulls(raw));

/** `first` is the REST `limit`. */
const pageRequest = <T extends { first?: number }>({ first, ...rest }: T) => compact({ limit: first, ...rest });

const NOT_FOUND: ReadonlySet<ErrorCode> = new Set(['ARTIST_NOT_FOUND', 'PAINTING_NOT_FOUND', 'MODEL_NOT_FOUND', 'JOB_NOT_FOUND']);

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (isPainterError(e) && NOT_FOUND.has(e.code)) return null;
    throw e;
  }
}

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

export const resolvers = {
  JSON: JSONScalar,
  Query: {
    nearestArtists: (_: unknown, raw: Args, { services }: Ctx) => {
      const a = args(nearestArgs, raw);
      return services.query.nearestArtists(a.image, compact({ k: a.k ?? DEFAULT_K, neighbours: a.neighbours, filters: a.filter && toFilters(a.filter) }));
    },
    similarPaintings: (_: unknown, raw: Args, { services }: Ctx) => {
      const a = args(similarArgs, raw);
      return services.query.similarPaintings(a.image, compact({ k: a.k, filters: a.filter && toFilters(a.filter) }));
    },
    verifyPair: (_: unknown, raw: Args, { services }: Ctx) => {
      const { a, b } = args(verifyArgs, raw);
      return services.query.verify(a, b);
    },
    rocEvaluation: (_: unknown, raw: Args, { services }: Ctx) => services.models.rocEvaluation(args(rocArgs, raw).modelVersion),
    artists: (_: unknown, raw: Args, { services }: Ctx) => services.catalog.artists(pageRequest(args(artistsArgs, raw))),
    artist: (_: unknown, raw: Args, { services }: Ctx) => orNull(services.catalog.artist(parse(idSchema, raw.id, 'id'))),
    paintings: (_: unknown, raw: Args, { services }: Ctx) => services.catalog.paintings(pageRequest(args(paintingsArgs, raw))),
    painting: (_: unknown, raw: Args, { services }: Ctx) => orNull(services.catalog.painting(parse(idSchema, raw.id, 'id'))),
    models: (_: unknown, _args: Args, { services }: Ctx) => services.models.list(),
    model: (_: unknown, raw: Args, { services }: Ctx) => orNull(services.models.get(parse(versionSchema, raw.version, 'version'))),
    indexStatus: (_: unknown, _args: Args, { services }: Ctx) => services.index.status(),
    embeddingMap: (_: unknown, raw: Args, { services }: Ctx) => services.index.embeddingMap(compact(args(mapQuery, raw))),
    jobs: (_: unknown, _args: Args, { services }: Ctx) => services.jobs.list(),
    job: (_: unknown, raw: Args, { services }: Ctx) => orNull(services.jobs.get(parse(jobIdSchema, raw.id, 'id'))),
  },
  // The admin key is checked before the arguments, as the REST middleware does.
  Mutation: {
    rebuildIndex: (_: unknown, raw: Args, ctx: Ctx) => {
      ctx.requireAdmin();
      return ctx.services.jobs.startIndex(compact(args(modelVersionBody, raw)));
    },
    startTraining: (_: unknown, raw: Args, ctx: Ctx) => {
      ctx.requireAdmin();
      return ctx.services.jobs.startTraining(compact(parse(trainBody, withoutNulls(raw.input ?? {}), 'input')));
    },
    startEvaluation: (_: unknown, raw: Args, ctx: Ctx) => {
      ctx.requireAdmin();
      return ctx.services.jobs.startEvaluation(compact(args(modelVersionBody, raw)));
    },
    removePainting: async (_: unknown, raw: Args, ctx: Ctx) => {
      ctx.requireAdmin();
      await ctx.services.catalog.removePainting(parse(idSchema, raw.id, 'id'));
      return true;
    },
  },
  Artist: {
    paintings: (artist: ArtistSummary, raw: Args, { services }: Ctx) =>
      services.catalog.paintings({ ...pageRequest(args(artistPaintingsArgs, raw)), artistId: artist.id }),
  },
  Painting: {
    artistDetails: (painting: PaintingSummary, _args: Args, { services }: Ctx) => services.catalog.artist(painting.artistId),
  },
};
