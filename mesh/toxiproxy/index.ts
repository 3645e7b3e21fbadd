/** meshdojo's embedded Toxiproxy 2.12: server, store, HTTP client and CLI commands. */
export { startToxiproxyServer, type ToxiproxyServer, type ToxiproxyServerOptions } from './server.ts'
export type { MetricsOptions } from './metrics.ts'
export { ToxiproxyStore, TOXIPROXY_VERSION } from './store.ts'
export { createToxiproxyClient, type ToxiproxyClientOptions } from './client.ts'
export { runToxicCommand, formatTable, TOXIC_USAGE, type ToxicCommandIo } from './cli.ts'
export { ToxiproxyError } from './errors.ts'
export { TOXIC_KINDS } from './toxics/index.ts'
export type {
  ByteCounters,
  ConnectionInfo,
  Direction,
  ProxyInput,
  ProxyJson,
  ProxyStats,
  ProxyUpdate,
  ToxicInput,
  ToxicJson,
  ToxicType,
  ToxicUpdate,
  ToxiproxyApi,
  ToxiproxyChange,
} from './types.ts'
