// The browser tests' harness: the `digecon demo` process, Debian's Chromium (playwright-core, never a
// downloaded browser), sign-in and the helpers every test file shares. Test files in e2e/tests/
// register with `test(name, f)`; run.mjs runs them in file order against one demo server.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'
import ExcelJS from 'exceljs'

export const here = dirname(fileURLToPath(import.meta.url))
export const artifacts = join(here, 'artifacts')
mkdirSync(artifacts, { recursive: true })
const bin = process.env.DIGECON_BIN
assert.ok(bin, 'set DIGECON_BIN to the digecon binary')

/// Starts `digecon demo` on a free port and returns its URL and the printed credentials.
export async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'digecon-e2e-'))
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(bin, ['demo', '--db', join(dir, 'demo.db'), '--addr', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => process.stderr.write(d))
  const deadline = Date.now() + 60000
  while (!out.includes('serving on')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`digecon demo did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const creds = {}
  for (const m of out.matchAll(/^ {2}(\S+)\s+(\S+)\s+(\S+)/gm)) creds[m[1]] = m[2]
  return { url: `http://127.0.0.1:${port}`, creds, stop: () => { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }) } }
}

export const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})

/// Signs `username` in on a new browser context: 1400×1000 unless `width`/`height` are given;
/// `bypassCSP` lets a test inject a script (axe-core) that the server's CSP would refuse.
export async function signIn(demo, username, { width = 1400, height = 1000, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', bypassCSP })
  const page = await context.newPage()
  await page.goto(demo.url + '/')
  await page.fill('input[data-test=username]', username)
  await page.fill('input[data-test=password]', demo.creds[username])
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=whoami]')
  return page
}

/// In-page API call with the session cookie and the CSRF token, as the UI makes them.
export async function apiStatus(page, path) {
  return page.evaluate(async (p) => (await fetch(p, { credentials: 'same-origin' })).status, path)
}

export const tests = []
/** Registers a test; `f(demo)` gets the running demo server ({ url, creds }). */
export const test = (name, f) => tests.push({ name, f })

/// Fills the value column of a downloaded template the way a filer would in Excel.
export async function fillTemplate(path, values) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(path)
  const ws = wb.getWorksheet('数据 data')
  let filled = 0
  ws.eachRow((row) => {
    const code = row.getCell(3).value // column C: indicator_code
    if (code in values) {
      row.getCell(7).value = values[code] // column G: this period's value
      filled++
    }
  })
  assert.equal(filled, Object.keys(values).length, 'every value found its row')
  await wb.xlsx.writeFile(path)
}

export async function chooseOption(page, selectTest, label) {
  await page.click(`[data-test=${selectTest}]`)
  await page.click(`.el-select-dropdown__item:visible:has-text("${label}")`)
}
