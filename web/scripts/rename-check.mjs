// Proves that the web build follows the API: renames one field of the committed OpenAPI document
// (`Me.display_name`, which the header shows) in a scratch copy of the client, regenerates the
// types and runs the type check, which must fail and name the field. Run by
// crates/cli/tests/web_types.rs; `node scripts/rename-check.mjs` by hand.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const web = join(dirname(fileURLToPath(import.meta.url)), '..')
const scratch = mkdtempSync(join(tmpdir(), 'digecon-rename-'))
try {
  for (const f of ['src', 'tsconfig.json', 'package.json', 'vite.config.js', 'index.html']) cpSync(join(web, f), join(scratch, f), { recursive: true })
  symlinkSync(join(web, 'node_modules'), join(scratch, 'node_modules'), 'dir')
  const docPath = join(scratch, 'src/api/openapi.json')
  const doc = JSON.parse(readFileSync(docPath, 'utf8'))
  const me = doc.components.schemas.Me
  if (!me?.properties?.display_name) throw new Error('the committed document has no Me.display_name to rename')
  me.properties.display_name_renamed = me.properties.display_name
  delete me.properties.display_name
  me.required = me.required.map((r) => (r === 'display_name' ? 'display_name_renamed' : r))
  writeFileSync(docPath, JSON.stringify(doc))
  const run = (script) => spawnSync('npm', ['run', '--silent', script], { cwd: scratch, encoding: 'utf8' })
  const types = run('api:types')
  if (types.status !== 0) throw new Error(`openapi-typescript failed:\n${types.stdout}${types.stderr}`)
  const check = run('typecheck')
  const out = check.stdout + check.stderr
  if (check.status === 0) throw new Error('the type check passed with Me.display_name renamed: the web build does not follow the API')
  if (!/display_name/.test(out)) throw new Error(`the type check failed, but not on the renamed field:\n${out}`)
  console.log(`ok - renaming Me.display_name breaks the web build:\n${out.split('\n').filter((l) => /display_name/.test(l)).slice(0, 3).join('\n')}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
