import { defineConfig } from "prisma/config";

// Migrations are applied by src/infra/migrate.ts, not by `prisma migrate` (it needs a native
// engine that cannot be downloaded here). The URL only matters to tools that connect.
export default defineConfig({
  schema: "prisma/schema.prisma",
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/horde" },
});
