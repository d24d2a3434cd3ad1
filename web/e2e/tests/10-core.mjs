// The first tests: sign-in, dashboard, tasks, evaluation, OpenAPI, scope, the filing chain, edit
// conflicts and the report centre.
import { join } from 'node:path'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import assert from 'node:assert/strict'
import ExcelJS from 'exceljs'
import { Validator } from '@seriousme/openapi-schema-validator'
import { artifacts, browser, signIn, apiStatus, test, fillTemplate, chooseOption } from '../lib.mjs'

test('the printed demo credentials work and a wrong password is refused', async (demo) => {
  assert.deepEqual(Object.keys(demo.creds).sort(), ['admin', 'ganzhou', 'miit', 'province', 'viewer', 'zhanggong'])
  const page = await (await browser.newContext()).newPage()
  await page.goto(demo.url + '/login')
  await page.fill('input[data-test=username]', 'province')
  await page.fill('input[data-test=password]', 'wrong password')
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=login-error]')
  assert.match(await page.textContent('[data-test=login-error]'), /用户名或密码错误/)
  for (const user of Object.keys(demo.creds)) {
    const p = await signIn(demo, user)
    assert.match(await p.textContent('[data-test=whoami]'), /\S/)
    await p.context().close()
  }
})

test('the dashboard shows the documented 2022 figures, the map and the ranking', async (demo) => {
  const page = await signIn(demo, 'province')
  // The headline card renders before its numbers arrive; wait for the value, not the element.
  await page.waitForFunction(() => /11,874/.test(document.querySelector('[data-test=headline-DE_VA]')?.textContent ?? ''))
  assert.match(await page.textContent('[data-test=headline-DE_VA]'), /14\.4%/)
  assert.match(await page.textContent('[data-test=headline-CORE_REV]'), /11,133\.17/) // thousands separators
  await page.waitForSelector('[data-test=region-map] canvas')
  const ranking = await page.textContent('[data-test=ranking]')
  assert.ok(ranking.indexOf('南昌市') < ranking.indexOf('吉安市') && ranking.indexOf('吉安市') < ranking.indexOf('赣州市'), ranking)
  assert.match(ranking, /615\.09/)
  // Core-industry value added is documented for 南昌、吉安、赣州 only; the demo's other eight are
  // synthetic and are marked so, in the ranking and above the map.
  assert.equal(await page.locator('[data-test=ranking] [data-test=synthetic-tag]').count(), 8)
  assert.match(await page.textContent('[data-test=map-synthetic]'), /11 个地区中有 8 个的数值为合成数据/)
  // Target progress with status lights: 数字经济增加值 11874 is ahead of the 14 % path → on track.
  const targetsText = await page.textContent('[data-test=targets]')
  assert.match(targetsText, /正常推进/)
  assert.ok(await page.locator('[data-test=targets] [data-status=achieved]').count() >= 1, 'EIM_REV >10000 achieved')
  await page.waitForTimeout(800) // let ECharts finish its entry animation for the screenshot
  await page.screenshot({ path: join(artifacts, 'dashboard-province.png'), fullPage: true })
  // English switch.
  await page.click('text=English')
  await page.waitForSelector('text=Dashboard')
  await page.screenshot({ path: join(artifacts, 'dashboard-province-en.png') })
  await page.context().close()
})

test('the task ledger shows red/yellow/green and the bulletin states its figures', async (demo) => {
  const page = await signIn(demo, 'province')
  await page.click('text=任务与项目')
  await page.waitForSelector('[data-test=tasks-table] [data-colour=red]')
  assert.ok((await page.locator('[data-test=tasks-table] [data-colour=green]').count()) > 10)
  await page.screenshot({ path: join(artifacts, 'tasks-2022-Q3.png') })
  const html = await page.evaluate(async () => (await fetch('/api/v1/bulletin?quarter=2022-Q3')).text())
  assert.match(html, /650\.00/)
  await page.context().close()
})

test('the evaluation ranks the 11 cities and the white paper\'s core-industry tiers come out of the rule', async (demo) => {
  const page = await signIn(demo, 'province')
  await page.click('[data-test=menu-evaluation]')
  await page.waitForSelector('[data-test=eval-table] [data-code="360100"]')
  assert.equal(await page.locator('[data-test=eval-table] .el-table__body tr').count(), 11)
  // 南昌、吉安 > 400 first tier; 赣州、上饶、九江 > 200 second; the other six third.
  const tier1 = await page.textContent('[data-tier="CORE_VA-1"]')
  for (const c of ['南昌', '吉安']) assert.match(tier1, new RegExp(c))
  const tier2 = await page.textContent('[data-tier="CORE_VA-2"]')
  for (const c of ['赣州', '上饶', '九江']) assert.match(tier2, new RegExp(c))
  assert.doesNotMatch(tier2, /南昌|吉安|宜春/)
  // The demo's regional values are synthetic, and the page says so.
  assert.match(await page.textContent('[data-test=eval-synthetic]'), /合成数据/)
  // Every city has a rank change against 2021 (进位).
  const changes = await page.locator('[data-test=eval-table] [data-test=rank-change]').allTextContents()
  assert.equal(changes.filter((c) => /[↑↓→]/.test(c)).length, 11)
  // And a rank range under ±25 % weights.
  const ranges = await page.locator('[data-test=eval-table] [data-test=rank-interval]').allTextContents()
  assert.equal(ranges.filter((c) => /^\d+(\.\d+)?(–\d+(\.\d+)?)?$/.test(c)).length, 11, ranges.join(' '))
  await page.waitForTimeout(800)
  await page.screenshot({ path: join(artifacts, 'evaluation-cities-2022.png'), fullPage: true })
  // Counties: 100 ranked.
  await page.click('[data-test=eval-scope] >> text=县（市、区）')
  await page.waitForFunction(() => document.querySelectorAll('[data-test=eval-table] .el-table__body tr').length === 100)
  await page.context().close()
})

test('the OpenAPI document validates against the OpenAPI 3.1 schema', async (demo) => {
  const doc = await (await fetch(`${demo.url}/api/v1/openapi.json`)).json()
  const result = await new Validator().validate(doc)
  assert.ok(result.valid, JSON.stringify(result.errors, null, 1))
  assert.ok(Object.keys(doc.paths).length >= 30, `${Object.keys(doc.paths).length} paths`)
})

test('a county filer sees only its county', async (demo) => {
  const page = await signIn(demo, 'zhanggong')
  assert.equal(await apiStatus(page, '/api/v1/observations?region=360702'), 200)
  assert.equal(await apiStatus(page, '/api/v1/observations?region=360703'), 403)
  assert.equal(await apiStatus(page, '/api/v1/observations?region=360000'), 403)
  assert.equal(await apiStatus(page, '/api/v1/users'), 403)
  await page.context().close()
})



test('a county files a month from the Excel template; city and province approve; the dashboard shows it at once', async (demo) => {
  const tmp = mkdtempSync(join(tmpdir(), 'digecon-e2e-xlsx-'))
  const county = await signIn(demo, 'zhanggong')
  await county.click('[data-test=menu-filing]')
  await county.waitForSelector('[data-test=my-forms]')
  await county.click('[data-test=my-forms] >> text=JXDE-M')
  await county.waitForSelector('[data-test=entry-grid]')
  const period = await county.evaluate(async () => (await (await fetch('/api/v1/forms')).json()).find((f) => f.code === 'JXDE-M').current_period)

  const [download] = await Promise.all([county.waitForEvent('download'), county.click('[data-test=template-link]')])
  const path = join(tmp, `JXDE-M-${period}.xlsx`)
  await download.saveAs(path)
  await fillTemplate(path, { EIM_REV_YTD: -5, SW_REV_YTD: 6.5, BS_5G_OPEN_M: 800, DE_KEY_PROJECTS_INV_YTD: 12 })
  await county.setInputFiles('[data-test=upload-input]', path)
  await county.waitForSelector('[data-test=upload-errors]')
  const errors = await county.textContent('[data-test=upload-errors]')
  assert.match(errors, /M-EIM-NONNEG/, errors)
  assert.match(errors, /:数据 data:5:G/, `the error names sheet, row and column: ${errors}`)
  assert.match(await county.textContent('[data-test=filing-state]'), /未填报/, 'nothing was written')
  await county.screenshot({ path: join(artifacts, 'filing-rule-error.png'), fullPage: true })

  await fillTemplate(path, { EIM_REV_YTD: 123.45 })
  await county.setInputFiles('[data-test=upload-input]', path)
  await county.waitForFunction(() => document.querySelector('[data-test=filing-state]')?.textContent.includes('草稿'))
  assert.match(await county.textContent('[data-test=filing-message]'), /新增 4/)
  await county.click('[data-test=submit]')
  // Submitting asks first (the dialog lists what to check).
  await county.locator('.submit-dialog .el-button--primary').click()
  await county.waitForFunction(() => document.querySelector('[data-test=filing-state]')?.textContent.includes('已上报'))
  // Another county's filing is out of scope.
  assert.equal(await apiStatus(county, `/api/v1/filings/JXDE-M/360703/${period}`), 403)
  assert.equal(await apiStatus(county, `/api/v1/forms/JXDE-M/template?period=${period}&filers=360703`), 403)

  const city = await signIn(demo, 'ganzhou')
  await city.click('[data-test=menu-filing]')
  await city.waitForSelector('[data-test=review-list] >> text=章贡区')
  await city.click('[data-test=review-list] >> text=章贡区')
  await city.click('[data-test=approve]')
  await city.waitForFunction(() => document.querySelector('[data-test=filing-state]')?.textContent.includes('市级已审核'))

  const province = await signIn(demo, 'province')
  await province.click('[data-test=menu-filing]')
  await province.waitForSelector('[data-test=review-list]')
  await chooseOption(province, 'review-state', '市级已审核')
  await province.click('[data-test=review-list] >> text=章贡区')
  await province.click('[data-test=approve]')
  await province.waitForFunction(() => document.querySelector('[data-test=filing-state]')?.textContent.includes('已审定'))
  await province.screenshot({ path: join(artifacts, 'filing-approved.png'), fullPage: true })

  // No rebuild, no batch run: the dashboard shows the approved value at once.
  await province.click('text=驾驶舱')
  await province.waitForSelector('[data-test=latest] >> text=章贡区')
  const latest = await province.textContent('[data-test=latest]')
  assert.match(latest, /123\.45/)
  assert.match(latest, /正式/) // observation status final, by its label
  await province.screenshot({ path: join(artifacts, 'dashboard-after-approval.png'), fullPage: true })
  for (const p of [county, city, province]) await p.context().close()
  rmSync(tmp, { recursive: true, force: true })
})

test('two people edit one filing: the later save is refused with 已被他人修改 and the page reloads', async (demo) => {
  const province = await signIn(demo, 'province')
  const period = await province.evaluate(async () => (await (await fetch('/api/v1/forms')).json()).find((f) => f.code === 'JXDE-M').current_period)
  const base = `/api/v1/filings/JXDE-M/360702/${period}`
  // In-page calls as the UI makes them: CSRF token, and the ETag read in If-Match.
  const call = (page, path, method, body) =>
    page.evaluate(async ({ path, method, body }) => {
      const me = await (await fetch('/api/v1/me')).json()
      const etag = (await fetch(path.replace(/\/(values|actions)$/, ''))).headers.get('ETag')
      const r = await fetch(path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token, 'If-Match': etag }, body: JSON.stringify(body) })
      return r.status
    }, { path, method, body })
  // The previous test approved the filing; the provincial office reopens it for a correction.
  assert.equal(await call(province, `${base}/actions`, 'POST', { action: 'reopen', comment: 'e2e: 请核实 / please check' }), 200)

  const alice = await signIn(demo, 'zhanggong')
  await alice.click('[data-test=menu-filing]')
  await alice.waitForSelector('[data-test=my-forms]')
  await alice.click('[data-test=my-forms] >> text=JXDE-M')
  await alice.waitForSelector('[data-test=entry-grid]')
  const cell = alice.locator('[data-test=value-EIM_REV_YTD]').locator('xpath=descendant-or-self::input')
  await alice.waitForFunction(() => [...document.querySelectorAll('[data-test=value-EIM_REV_YTD], [data-test=value-EIM_REV_YTD] input')].some((e) => e.value === '123.45'))

  // A colleague of the same county saves first, in another browser.
  const bob = await signIn(demo, 'zhanggong')
  assert.equal(await call(bob, `${base}/values`, 'PUT', { values: { EIM_REV_YTD: 130.5 } }), 200)

  // Alice saves what she typed over the version she read: refused, with who and when.
  await cell.fill('140')
  await alice.click('[data-test=save]')
  await alice.locator('.conflict-dialog .el-button--primary').waitFor({ state: 'visible' })
  const text = await alice.textContent('.conflict-dialog')
  assert.match(text, /已被他人修改/, text)
  assert.match(text, /zhanggong/, text)
  await alice.screenshot({ path: join(artifacts, 'filing-changed-elsewhere.png'), fullPage: true })
  await alice.locator('.conflict-dialog .el-button--primary').click()
  await alice.waitForFunction(() => document.querySelector('[data-test=filing-message]')?.textContent.includes('已重新加载'))
  await alice.screenshot({ path: join(artifacts, 'filing-reloaded.png'), fullPage: true })
  // Reloaded: the colleague's value, not hers, and nothing of hers was written.
  await alice.waitForFunction(() => [...document.querySelectorAll('[data-test=value-EIM_REV_YTD], [data-test=value-EIM_REV_YTD] input')].some((e) => e.value === '130.5'))
  const audit = await alice.evaluate(async (p) => (await fetch(`/api/v1/audit?form=JXDE-M&filer=360702&period=${p}`)).json(), period)
  const eim = audit.filter((e) => e.indicator_code === 'EIM_REV_YTD').map((e) => [e.old_value, e.new_value])
  assert.deepEqual(eim, [[null, 123.45], [123.45, 130.5]])
  for (const p of [province, alice, bob]) await p.context().close()
})

test('报告中心: the white paper previews with its figures and values and downloads in every format; Ganzhou profile holds 365.02; a county is refused the white paper', async (demo) => {
  const page = await signIn(demo, 'province')
  await page.click('[data-test=menu-reports]')
  await page.click('[data-test=report-preview-button]')
  const frame = page.frameLocator('[data-test=report-preview]')
  // Waits for the values themselves (generation takes a few seconds in a debug build).
  await frame.locator('figcaption', { hasText: '图 7 ' }).waitFor({ timeout: 120000 })
  const text = await frame.locator('body').textContent()
  for (const v of ['11874', '14.4', '11133.17', '8798.52', '615.09', '473.47', '365.02', '表 1', '数据缺口', '附录 数据来源']) assert.ok(text.includes(v), `preview lacks ${v}`)
  await page.screenshot({ path: join(artifacts, 'reports-whitepaper.png') })
  const dir = mkdtempSync(join(tmpdir(), 'digecon-reports-'))
  const magic = { html: '<!DOCTYPE html>', docx: 'PK', pdf: '%PDF-', xlsx: 'PK' }
  for (const f of ['html', 'docx', 'pdf', 'xlsx']) {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180000 }), page.click(`[data-test=report-download-${f}]`)])
    assert.equal(download.suggestedFilename(), `whitepaper-2022.${f}`)
    const path = join(dir, download.suggestedFilename())
    await download.saveAs(path)
    const bytes = readFileSync(path)
    assert.ok(bytes.subarray(0, 16).toString('latin1').startsWith(magic[f]), `${f} is not a ${f} file`)
    assert.ok(bytes.length > 10000, `${f}: ${bytes.length} bytes`)
  }
  rmSync(dir, { recursive: true, force: true })

  await page.click('#tab-profile')
  await chooseOption(page, 'report-region', '赣州市')
  await page.click('[data-test=report-preview-button]')
  await frame.locator('h1.title', { hasText: '赣州市数字经济发展概况' }).waitFor({ timeout: 120000 })
  const profile = await frame.locator('body').textContent()
  assert.ok(profile.includes('365.02') && profile.includes('梯队'), 'the profile holds 365.02 and the tier')
  await page.screenshot({ path: join(artifacts, 'reports-profile-ganzhou.png') })

  const county = await signIn(demo, 'zhanggong')
  await county.click('[data-test=menu-reports]')
  await county.click('[data-test=report-preview-button]')
  await county.waitForSelector('[data-test=report-error]')
  assert.match(await county.textContent('[data-test=report-error]'), /无权访问/)
  await county.context().close()
  await page.context().close()
})
