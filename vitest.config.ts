import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    // Network tests start real servers on port 0; give a busy 2-core CI machine room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
