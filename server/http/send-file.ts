import type { Response } from 'express';
import { PainterError } from '../../src/errors.js';

/**
 * Sends a file the catalog resolved. A painting's pixels never change under its id (a replaced
 * image is a new painting), so clients may cache it for a day.
 */
export async function sendImage(res: Response, file: { path: string; contentType: string }, id: number): Promise<void> {
  res.type(file.contentType);
  res.set('Cache-Control', 'public, max-age=86400');
  await new Promise<void>((resolve, reject) => {
    // dotfiles: the data directory may sit under a hidden folder (e.g. ~/.painter).
    res.sendFile(file.path, { dotfiles: 'allow', cacheControl: false }, (err) => {
      if (!err || res.headersSent) resolve();
      else reject(new PainterError('PAINTING_NOT_FOUND', `The image file of painting ${id} is missing`, { id }));
    });
  });
}
