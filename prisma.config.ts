import { defineConfig } from 'prisma/config';

// Prisma 7 reads the schema location and the database URL from here. Migrations are applied by our own runner
// (`npm run db:migrate`, libs/db/src/migrate), which records them in Prisma's `_prisma_migrations` table, so
// Prisma's tools still see the same history. `generate` needs no database, hence no required URL.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? '' },
});
