/** What the user reads when something fails: the server's message, with a hint where one helps. */
import { ApiError } from './api.js';
import { replaceChildren } from './dom.js';

const HINTS: Record<string, string> = {
  IMAGE_UNREADABLE: 'Choose a JPEG, PNG, WebP, GIF or TIFF image.',
  IMAGE_EMPTY: 'The file has no content: choose another one.',
  IMAGE_TOO_LARGE: 'Scale the image down (the server limits the pixel count) and try again.',
  PAYLOAD_TOO_LARGE: 'The file is larger than the server accepts: choose a smaller one.',
  INDEX_NOT_READY: 'The server has no index yet: build one under "Index and jobs".',
  UPLOAD_NOT_FOUND: 'The uploaded image has expired: choose it again.',
  EVALUATION_NOT_FOUND: 'Evaluate the model to see its ROC curve (painter evaluate, or start an evaluation job).',
  API_KEY_REQUIRED: 'Enter an API key above to start jobs.',
  API_KEY_INVALID: 'Check the API key.',
  RATE_LIMITED: 'Wait a moment and try again.',
};

export function messageOf(error: unknown, context?: string): string {
  const prefix = context ? `${context}: ` : '';
  if (error instanceof ApiError) {
    const hint = HINTS[error.code];
    return `${prefix}${error.message}${/[.!?]$/.test(error.message) ? '' : '.'}${hint ? ` ${hint}` : ''}`;
  }
  return `${prefix}${error instanceof Error ? error.message : String(error)}`;
}

/** Shows an error in a role="alert" element (announced at once), or clears it with null. */
export function showError(region: HTMLElement, error: unknown | null, context?: string): void {
  if (error === null) {
    region.hidden = true;
    replaceChildren(region);
    return;
  }
  region.hidden = false;
  replaceChildren(region, messageOf(error, context));
}
