/**
 * A blessed screen that draws correctly on today's terminals. blessed 0.1.81 cannot parse ncurses
 * 6's 32-bit terminfo entries (xterm-256color, tmux-256color) and falls back to built-in ones whose
 * line drawing comes out as `lqqk` in tmux and screen: `brokenACS` makes it draw Unicode box
 * characters instead, and `warnings: false` keeps the parse warning off the screen.
 */
import blessed from 'blessed'

/** Streams for tests (PassThrough with isTTY, columns, rows, setRawMode); the process's own by default. */
export interface TerminalStreams {
  readonly input?: NodeJS.ReadableStream
  readonly output?: NodeJS.WritableStream
  /** Terminal type; default $TERM. */
  readonly terminal?: string
}

export function createScreen(streams: TerminalStreams = {}): blessed.Widgets.Screen {
  const screen = blessed.screen({
    ...(streams.input ? { input: streams.input as never } : {}),
    ...(streams.output ? { output: streams.output as never } : {}),
    ...(streams.terminal ? { terminal: streams.terminal } : {}),
    warnings: false,
    fullUnicode: true,
    smartCSR: true, // scroll regions instead of full redraws: cheaper, no flicker
    dockBorders: true, // neighbouring panels share their borders (┬ ┤ ┼)
    autoPadding: true,
    resizeTimeout: 100,
    title: 'meshdojo',
  })
  ;(screen.tput as unknown as { brokenACS: boolean }).brokenACS = true
  return screen
}
