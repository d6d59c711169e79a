import { defineConfig } from 'prisma/config';

// The CLI needs a URL only for migrate/introspect; generate must work without one.
const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'migrations' },
  ...(url ? { datasource: { url } } : {}),
});
