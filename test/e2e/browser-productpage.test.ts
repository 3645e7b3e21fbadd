/**
 * The product page in a real browser (Debian's chromium, driven by playwright-core): what a
 * newcomer sees after `npm start`, sign-in included. Skipped only where chromium is not installed.
 */
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { startTestMesh, type TestMesh } from '../support/mesh.ts'
import { applySamples } from '../support/samples.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

describe.skipIf(!existsSync(CHROMIUM))('the product page in a browser', () => {
  let mesh: TestMesh
  let browser: Browser
  beforeAll(async () => {
    mesh = await startTestMesh()
    // The flags keep a headless chromium off the (closed) network and out of the sandbox it cannot have as root.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    await mesh?.close()
  })

  test('renders Bookinfo through the ingress, styles included, and jason can sign in and out', async () => {
    applySamples(mesh, 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml', 'virtual-service-reviews-test-v2.yaml')
    const page = await browser.newPage()
    const failed: string[] = []
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`)
    })
    await page.goto(`${mesh.ingressUrl}/productpage`)
    expect(await page.title()).toBe('Simple Bookstore App')
    expect(await page.textContent('body')).toContain('William Shakespeare')
    expect(await page.locator('[id="glyphicon glyphicon-star"]').count()).toBe(0)

    await page.fill('input[name="username"]', 'jason')
    await Promise.all([page.waitForURL(/\/productpage/), page.click('button[type="submit"]')])
    expect(await page.textContent('body')).toContain('jason')
    expect(await page.locator('[id="glyphicon glyphicon-star"].text-black-500').count()).toBeGreaterThan(0)

    await Promise.all([page.waitForURL(/\/productpage/), page.click('a[href="/logout"]')])
    expect(await page.locator('[id="glyphicon glyphicon-star"]').count()).toBe(0)
    expect(failed).toEqual([])
  })
})
