// End-to-end tests in Debian's Chromium (playwright-core, never a downloaded browser), against the
// real `digecon demo` binary with a fresh database. Run by crates/cli/tests/e2e.rs (so
// `cargo test --workspace` runs it) or directly: DIGECON_BIN=path/to/digecon node e2e/run.mjs
// `E2E_ONLY=regex` runs only the tests whose name matches.
//
// Every file in e2e/tests/ registers its tests (lib.mjs's `test`); they run in file-name order
// against one demo server. Screenshots are kept in e2e/artifacts/ as test artifacts.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { browser, here, startDemo, tests } from './lib.mjs'

for (const file of readdirSync(join(here, 'tests')).filter((f) => f.endsWith('.mjs')).sort()) {
  await import(pathToFileURL(join(here, 'tests', file)).href)
}
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null
const chosen = tests.filter(({ name }) => !only || only.test(name))

const demo = await startDemo()
let failed = 0
try {
  for (const { name, f } of chosen) {
    try {
      await f(demo)
      console.log(`ok - ${name}`)
    } catch (e) {
      failed++
      console.log(`not ok - ${name}\n${e.stack}`)
    }
  }
} finally {
  await browser.close()
  demo.stop()
}
console.log(`${chosen.length - failed}/${chosen.length} passed`)
process.exit(failed || chosen.length === 0 ? 1 : 0)
