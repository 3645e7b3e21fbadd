/**
 * `meshdojo demo --access-log FILE`: every sidecar's access log in one file (each line says whose),
 * rotated by size (FILE, then FILE.1; one old file is kept). Writes go through a write stream and
 * never wait: if the disk falls behind, lines are dropped and counted rather than slowing requests.
 */
import { createWriteStream, fstatSync, openSync, renameSync, type WriteStream } from 'node:fs'
import { formatAccessLog, type AccessLogFormat } from './access-log-format.ts'
import type { RequestRecord, TelemetrySink } from './record.ts'

/** Where and how to write; sizes in bytes. */
export interface AccessLogFileOptions {
  readonly path: string
  readonly format?: AccessLogFormat
  /** Rotate when the file would pass this size; default 10 MB. */
  readonly maxBytes?: number
  /** Drop lines while this much is still waiting to be written; default 1 MB. */
  readonly maxBacklogBytes?: number
}

/** A telemetry sink writing one line per record; open with `AccessLogFile.open()`, end with `close()`. */
export class AccessLogFile implements TelemetrySink {
  /** Lines dropped because the disk fell behind or the file could not be written. */
  dropped = 0
  /** The last write error, if the file became unwritable. */
  error: Error | undefined
  private stream: WriteStream
  private bytes: number
  private closed = false
  private readonly format: AccessLogFormat
  private readonly maxBytes: number
  private readonly maxBacklogBytes: number

  private constructor(
    readonly path: string,
    options: AccessLogFileOptions,
    stream: WriteStream,
    existingBytes: number,
  ) {
    this.format = options.format ?? 'text'
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024
    this.maxBacklogBytes = options.maxBacklogBytes ?? 1024 * 1024
    this.stream = this.watch(stream)
    this.bytes = existingBytes
  }

  /** Opens (appending to) the file; rejects if it can't be opened, so the demo fails at start, not later. */
  static async open(options: AccessLogFileOptions): Promise<AccessLogFile> {
    const fd = openSync(options.path, 'a')
    return new AccessLogFile(options.path, options, createWriteStream(options.path, { fd }), fstatSync(fd).size)
  }

  record(r: RequestRecord): void {
    if (this.closed || this.error) return
    if (this.stream.writableLength > this.maxBacklogBytes) {
      this.dropped++
      return
    }
    const line = `${formatAccessLog(r, this.format, true)}\n`
    const size = Buffer.byteLength(line)
    if (this.bytes > 0 && this.bytes + size > this.maxBytes) this.rotate()
    this.stream.write(line)
    this.bytes += size
  }

  /** Flushes what is buffered and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const stream = this.stream
    if (stream.destroyed) return
    await new Promise<void>((resolve) => stream.end(() => resolve()))
  }

  private rotate(): void {
    // The old stream keeps its descriptor, so lines still queued in it land in FILE.1 after the
    // rename. Both calls are synchronous so no line can slip between the files; they run once per
    // `maxBytes` (a rename(2) and an open(2)), not per line.
    let fd: number
    try {
      renameSync(this.path, `${this.path}.1`)
      fd = openSync(this.path, 'a')
    } catch (err) {
      this.error = err as Error
      return
    }
    this.stream.end()
    this.stream = this.watch(createWriteStream(this.path, { fd }))
    this.bytes = 0
  }

  private watch(stream: WriteStream): WriteStream {
    stream.on('error', (err) => {
      // The file went away or the disk is full: stop writing, keep serving traffic.
      this.error = err
    })
    return stream
  }
}
