#!/usr/bin/env node
// Entry point for `meshdojo` and `npm start`: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api'

register()
await import('../sim/cli/main.ts')
