/**
 * Every error the product reports has a stable code and the HTTP status it maps to. The CLI prints
 * `code: message`; the server answers `{ error: { code, message, details } }` with `status`.
 * Register new errors here, never ad hoc at the throw site.
 */
export const ErrorCodes = {
  BAD_REQUEST: { status: 400, message: 'Bad request' },
  INVALID_ARGUMENT: { status: 400, message: 'Invalid argument' },
  CONFIG_INVALID: { status: 400, message: 'The configuration is invalid' },
  DATASET_NOT_FOUND: { status: 404, message: 'Dataset not found' },
  DATASET_LAYOUT_UNKNOWN: { status: 400, message: 'No known dataset layout found' },
  DATASET_PATH_ESCAPE: { status: 400, message: 'A dataset entry points outside the dataset directory' },
  DATASET_EMPTY: { status: 422, message: 'No usable paintings in the dataset' },
  SPLIT_EMPTY: { status: 422, message: 'The requested split has no paintings' },
  MODEL_NOT_FOUND: { status: 404, message: 'Model version not found' },
  MODEL_CORRUPT: { status: 422, message: 'Model files are missing or corrupt' },
  CHECKPOINT_NOT_FOUND: { status: 404, message: 'No checkpoint to resume from' },
  PRESET_UNKNOWN: { status: 400, message: 'Unknown encoder preset' },
  IMAGE_UNREADABLE: { status: 422, message: 'The file is not a readable image' },
  IMAGE_TOO_LARGE: { status: 413, message: 'The image has too many pixels' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The metadata database is unavailable' },
  MIGRATION_FAILED: { status: 500, message: 'The database schema could not be migrated' },
  BACKEND_UNAVAILABLE: { status: 500, message: 'No tensor backend could be initialised' },
  IMAGE_EMPTY: { status: 400, message: 'The uploaded file is empty' },
  IMAGE_MISSING: { status: 400, message: 'No image was uploaded' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  BATCH_TOO_LARGE: { status: 413, message: 'The batch has too many items or bytes' },
  PAIRS_CSV_INVALID: { status: 400, message: 'The pairs CSV cannot be scored' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  PAINTING_NOT_FOUND: { status: 404, message: 'Painting not found' },
  PAINTING_DUPLICATE: { status: 409, message: 'This image is already in the corpus' },
  ARTIST_NOT_FOUND: { status: 404, message: 'Artist not found' },
  UPLOAD_NOT_FOUND: { status: 404, message: 'Upload not found or expired' },
  EVALUATION_NOT_FOUND: { status: 404, message: 'No stored evaluation for this model' },
  EVALUATION_NOT_HELD_OUT: { status: 409, message: 'The model trained on the paintings it would be evaluated on' },
  JOB_NOT_FOUND: { status: 404, message: 'Job not found' },
  CURSOR_INVALID: { status: 400, message: 'Invalid pagination cursor' },
  INDEX_NOT_READY: { status: 503, message: 'No index is loaded yet' },
  INDEX_CORRUPT: { status: 422, message: 'Index files are missing or corrupt' },
  STORAGE_FAILED: { status: 507, message: 'The data directory could not be written' },
  JOB_CONFLICT: { status: 409, message: 'A job of this kind is already running' },
  API_KEY_REQUIRED: { status: 401, message: 'This operation needs an API key' },
  API_KEY_INVALID: { status: 401, message: 'The API key is not valid' },
  API_KEY_FORBIDDEN: { status: 403, message: 'The API key does not allow this operation' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This route does not answer that method' },
  GRAPHQL_INVALID: { status: 400, message: 'The GraphQL request is invalid' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  INTERNAL: { status: 500, message: 'Internal error' },
  MIGRATION_MODIFIED: { status: 500, message: 'An applied database migration was edited afterwards' },
  BACKUP_INVALID: { status: 422, message: 'The backup is incomplete or damaged' },
  BACKUP_TARGET_NOT_EMPTY: { status: 409, message: 'The restore target is not empty' },
  BACKUP_FAILED: { status: 500, message: 'The backup could not be made' },
  VECTOR_EXTENSION_MISSING: { status: 500, message: 'The PostgreSQL vector extension (pgvector) is not installed' },
  INDEX_BUILD_NOT_FOUND: { status: 404, message: 'Index build not found' },
  INDEX_BUILD_NOT_ACTIVATABLE: { status: 409, message: 'Only a complete index build can be activated' },
  JOB_CANCELLED: { status: 409, message: 'The job was cancelled' },
  JOB_LEASE_EXPIRED: { status: 500, message: 'The replica running the job stopped renewing its lease' },
  JOB_NOT_CANCELLABLE: { status: 409, message: 'The job has already finished' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

export class PainterError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message ?? ErrorCodes[code].message, options);
    this.name = 'PainterError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isPainterError(e: unknown): e is PainterError {
  return e instanceof PainterError;
}
