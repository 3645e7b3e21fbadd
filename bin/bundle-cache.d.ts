/** See bundle-cache.js. */
export function bundleToCache(entry: string, cacheDir: string, options?: { keepMs?: number }): Promise<string>
export function stopBundler(): Promise<void>
