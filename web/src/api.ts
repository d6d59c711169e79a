/**
 * Calls to the REST API of the same server. Every failure becomes an ApiError carrying the
 * server's code and message, so the page can show the user what went wrong.
 */
import type { StoredUpload } from './api-types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached. Check that it is running, then try again.');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const e = (body as ErrorBody | null)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `The server answered ${res.status} ${res.statusText}`, e?.details);
  }
  return body as T;
}

export const getJson = <T>(path: string): Promise<T> => request<T>(path);

export const postJson = <T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> =>
  request<T>(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Stores an image on the server (validated there, kept an hour) so later queries refer to it by id. */
export function uploadImage(file: File): Promise<StoredUpload> {
  const form = new FormData();
  form.append('image', file, file.name);
  return request<StoredUpload>('/api/uploads', { method: 'POST', body: form });
}
