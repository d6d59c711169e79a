/**
 * Every error the product reports has a stable code and the HTTP status it maps to. The CLI prints
 * `code: message`; the server answers `{ error: { code, message, details } }` with `status`.
 * Register new errors here, never ad hoc at the throw site.
 */
export const ErrorCodes = {
  BAD_REQUEST: { status: 400, message: 'Bad request' },
  INVALID_ARGUMENT: { status: 400, message: 'Invalid argument' },
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
  INTERNAL: { status: 500, message: 'Internal error' },
  MIGRATION_MODIFIED: { status: 500, message: 'An applied database migration was edited afterwards' },
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
