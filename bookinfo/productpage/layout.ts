/** The HTML shell shared by productpage's pages, and escaping for everything that came from a peer. */

/** Served by productpage itself, so the page looks right offline (no CDN). */
export const STYLESHEET_PATH = '/static/bookinfo.css'

export interface ShellInput {
  /** Markup for the right-hand side of the top bar. */
  readonly navExtra?: string
  readonly main: string
  /** Plain text for the footer. */
  readonly footer?: string
}

export function pageShell(input: ShellInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simple Bookstore App</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="topbar">
  <div class="container topbar-inner">
    <a class="brand" href="/productpage">${SAILBOAT}<span>BookInfo Sample</span></a>
    ${input.navExtra ?? ''}
  </div>
</header>
<main class="container">
${input.main}
</main>
<footer class="container footer">${escapeHtml(input.footer ?? 'Istio Bookinfo, served by meshdojo')}</footer>
</body>
</html>
`
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}

/** Text or attribute value from an untrusted source. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!)
}

/** A small sailboat mark for the top bar. */
const SAILBOAT =
  '<svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">' +
  '<path d="M15 4 L15 23 L6 23 Z" fill="#8fb3ff"/><path d="M17 7 L17 23 L26 23 Z" fill="#ffffff"/>' +
  '<path d="M5 25 H27 L23 29 H9 Z" fill="#8fb3ff"/></svg>'
