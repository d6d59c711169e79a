/** An image stored for later queries by id. */
import { z } from 'zod';
import { named } from './painting.js';

export const storedUpload = named(
  z.object({
    id: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    expiresAt: z.string().meta({ description: 'Uploads are kept until then, then deleted' }),
  }),
  'StoredUpload',
);
export type StoredUpload = z.infer<typeof storedUpload>;
