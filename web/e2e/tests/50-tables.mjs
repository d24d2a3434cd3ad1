// Long lists, numbers, export and print (issue 16): paged, sortable, filterable tables whose CSV
// and XLSX hold exactly the rows on screen; chart PNG/SVG; print styles; grouped numbers in the
// indicator's decimals; 数据截至 / 更新于. Read-only: these tests change no data.
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import assert from 'node:assert/strict'
import ExcelJS from 'exceljs'
import { artifacts, signIn, test } from '../lib.mjs'

const api = (page, path) => page.evaluate(async (p) => (await fetch(p)).json(), path)
const rowsOf = (page, table) => page.locator(`[data-test=${table}] .el-table__body tr`)
const grouped = (v, d) => new Intl.NumberFormat('zh-CN', { minimumFractionDigits: d, maximumFractionDigits: d }).format(v)

async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)])
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) }
}

async function open(page, path, ready) {
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto(page.url().replace(/\/[^/]*$/, path))
  await page.waitForFunction(ready)
}

/** The centres of a chart's toolbox icons, left to right: found by moving the mouse along the top
 * strip from the right and watching for ECharts' pointer cursor (the canvas has no DOM for them). */
async function toolboxIcons(page, chart) {
  await page.locator(chart).scrollIntoViewIfNeeded()
  const box = await page.locator(chart).boundingBox()
  const cursor = () => page.evaluate((c) => getComputedStyle(document.querySelector(c).firstElementChild).cursor, chart)
  for (let y = 6; y < 50; y += 4) {
    const spans = []
    let start = null
    for (let x = box.width - 2; x > box.width - 200; x -= 2) {
      await page.mouse.move(box.x + x, box.y + y)
      const on = (await cursor()) === 'pointer'
      if (on && start == null) start = x
      if (!on && start != null) {
        spans.push([box.x + (start + x) / 2, box.y + y])
        start = null
      }
    }
    if (spans.length >= 2) return spans.slice(0, 2).reverse()
  }
  throw new Error(`no toolbox icons found at the top of ${chart}`)
}

async function pick(page, selectTest, label) {
  await page.click(`[data-test=${selectTest}]`)
  await page.locator('.el-select-dropdown__item:visible').first().waitFor()
  await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click()
  await page.keyboard.press('Escape')
}

test('指标查询: 20 rows a page of the real total, numeric sort, filter, search, CSV and XLSX of the filtered rows, chart PNG/SVG, print', async (demo) => {
  const page = await signIn(demo, 'province')
  const all = await api(page, '/api/v1/observations?indicator=DE_VA')
  assert.ok(all.length > 100, `${all.length} DE_VA observations`)
  await open(page, '/explorer', () => document.querySelectorAll('[data-test=explorer-table] .el-table__body tr').length > 0)
  assert.equal(await rowsOf(page, 'explorer-table').count(), 20)
  await page.waitForFunction((n) => document.querySelector('[data-test=table-pager]')?.textContent.includes(`共 ${n} 条`), all.length)

  // The period selector offers exactly the periods with data.
  await page.click('[data-test=explorer-period]')
  await page.locator('.el-select-dropdown__item:visible').first().waitFor()
  const offered = (await page.locator('.el-select-dropdown__item:visible').allTextContents()).map((s) => s.trim()).sort()
  await page.keyboard.press('Escape')
  assert.deepEqual(offered, [...new Set(all.map((o) => o.period))].sort())

  // 数据截至 the latest period; 更新于 a Beijing time.
  const latest = [...new Set(all.map((o) => o.period))].sort().pop()
  assert.match(await page.textContent('[data-test=data-as-of]'), new RegExp(`数据截至 ${latest}`))
  await page.waitForSelector('[data-test=data-updated]')
  assert.match(await page.textContent('[data-test=data-updated]'), /更新于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)

  // Sorting the value column: the largest first, grouped; the documented 11874 as printed, the
  // synthetic values with the indicator's two decimals.
  await page.click('[data-test=explorer-table] th:has-text("数值") .cell')
  const max = Math.max(...all.map((o) => o.value))
  assert.equal(max, 11874)
  await page.waitForFunction((s) => document.querySelector('[data-test=explorer-table] .el-table__body tr td:nth-child(4)')?.textContent.trim() === s, grouped(max, 0))
  assert.match(await page.textContent('[data-test=explorer-table] .el-table__body'), /\d,\d{3}\.\d{2}/)
  await page.screenshot({ path: join(artifacts, 'tables-explorer-1440.png'), fullPage: true })

  // A filter narrows the rows: 2022 only.
  const y2022 = all.filter((o) => o.period === '2022')
  await pick(page, 'table-filter-period', '2022')
  await page.waitForFunction((n) => document.querySelector('[data-test=table-count]')?.textContent.startsWith(`共 ${n} 条`), y2022.length)
  assert.ok(y2022.length < all.length)
  const shown = await rowsOf(page, 'explorer-table').count()
  assert.equal(shown, Math.min(20, y2022.length))

  // CSV: BOM, a header, and exactly the filtered rows (all pages), largest first.
  const csv = await download(page, '[data-test=export-csv]')
  assert.match(csv.name, /^observations-DE_VA-\d{8}\.csv$/)
  assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM')
  const lines = csv.bytes.toString('utf8').slice(1).trim().split('\r\n')
  assert.equal(lines.length, y2022.length + 1, 'header + the filtered rows')
  assert.match(lines[0], /^代码,地区,期间,数值,单位,状态,数据性质,来源$/)
  assert.match(lines[1], new RegExp(`,2022,${Math.max(...y2022.map((o) => o.value))},`))

  // XLSX: the same rows; 江西省 2022 is the number 11874.
  const xlsx = await download(page, '[data-test=export-xlsx]')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(xlsx.bytes)
  const ws = wb.worksheets[0]
  assert.equal(ws.rowCount, y2022.length + 1)
  const province = ws.getRows(2, ws.rowCount - 1).find((r) => r.getCell(1).value === '360000')
  assert.equal(province.getCell(4).value, 11874)
  assert.equal(typeof province.getCell(4).value, 'number')

  // Search over the text columns finds a region.
  await page.fill('[data-test=table-search]', '赣州')
  await page.waitForFunction((n) => { const c = document.querySelector('[data-test=table-count]')?.textContent; return c && !c.startsWith(`共 ${n} 条`) }, y2022.length)
  const found = await rowsOf(page, 'explorer-table').allTextContents()
  assert.ok(found.length >= 1 && found.every((r) => r.includes('赣州')), found.join('\n'))
  assert.ok(found.some((r) => r.startsWith('360700赣州市')), found.join('\n'))
  await page.fill('[data-test=table-search]', '')

  // The chart as PNG and as SVG.
  const png = await download(page, '[data-test=chart-png]')
  assert.equal(png.bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${png.name} is a PNG`)
  const svg = await download(page, '[data-test=chart-svg]')
  assert.match(svg.name, /\.svg$/)
  assert.match(svg.bytes.toString('utf8').slice(0, 300), /<svg/)

  // Print: no sidebar, header or buttons; the table across the page.
  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('.el-aside').isVisible(), false)
  assert.equal(await page.locator('[data-test=print]').isVisible(), false)
  assert.equal(await page.locator('[data-test=table-pager]').isVisible(), false)
  const width = await page.evaluate(() => document.querySelector('[data-test=explorer-table]').getBoundingClientRect().width)
  assert.ok(width > 1300, `table ${width} px wide in print`)
  // Printing shows every filtered row, not the page on screen (Chromium fires beforeprint on Ctrl+P;
  // emulated print media does not, so the event is sent here).
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')))
  await page.waitForFunction((n) => document.querySelectorAll('[data-test=explorer-table] .el-table__body tr').length === n, y2022.length)
  await page.screenshot({ path: join(artifacts, 'tables-explorer-print.png'), fullPage: true })
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')))
  await page.waitForFunction(() => document.querySelectorAll('[data-test=explorer-table] .el-table__body tr').length === 20)
  await page.context().close()
})

test('目标进度: compact rows, values grouped in the indicator\'s decimals, a status filter', async (demo) => {
  const page = await signIn(demo, 'province')
  const progress = await api(page, '/api/v1/progress?as_of=2022')
  const forms = await api(page, '/api/v1/forms')
  const maxDecimals = Math.max(...forms.flatMap((f) => f.indicators.map((i) => i.decimals)), 2)
  await open(page, '/targets', () => document.querySelectorAll('[data-test=progress-table] .el-table__body tr').length === 20)
  await page.waitForFunction((n) => document.querySelector('[data-test=table-pager]')?.textContent.includes(`共 ${n} 条`), progress.length)
  // Every page: no number with more decimals than an indicator has; thousands grouped.
  let body = ''
  for (const size of ['100']) {
    await page.click('[data-test=table-pager] .el-pagination__sizes')
    await page.click(`.el-select-dropdown__item:visible:has-text("${size}")`)
  }
  // The value columns: 基期 (5), 最新值 (7), 序时/路径期望值 (9).
  const values = []
  for (let p = 1; p <= Math.ceil(progress.length / 100); p++) {
    if (p > 1) await page.click('[data-test=table-pager] .btn-next')
    await page.waitForFunction((p) => document.querySelector('[data-test=table-pager] .is-active')?.textContent.trim() === String(p), p)
    body += await page.textContent('[data-test=progress-table] .el-table__body')
    for (const n of [5, 7, 9]) values.push(...(await page.locator(`[data-test=progress-table] .el-table__body td:nth-child(${n})`).allTextContents()))
  }
  // Not even in the rule's explanation.
  assert.doesNotMatch(body, /10856\.8584/)
  assert.match(body, /expected in 2022: 10,856\.86/)
  const fractions = values.flatMap((v) => [...v.matchAll(/\d\.(\d+)/g)].map((m) => m[1].length))
  assert.ok(fractions.length > 50 && Math.max(...fractions) <= maxDecimals, `decimals seen: ${Math.max(...fractions)}`)
  assert.match(body, /\d{1,3}(,\d{3})+(\.\d+)?/)
  // A published figure keeps its printed precision: 001's base 8354 is not 8,354.00.
  assert.ok(values.some((v) => v.trim() === '8,354'), 'the base 8354 shown as printed')
  assert.ok(!values.some((v) => v.includes('8,354.00')))
  // Compact: one line a row (long texts end in an ellipsis with a tooltip).
  const heights = await page.locator('[data-test=progress-table] .el-table__body tr').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height))
  assert.ok(Math.max(...heights) < 50, `row heights up to ${Math.max(...heights)} px`)
  const onTrack = progress.filter((x) => x.status === 'on_track').length
  await pick(page, 'table-filter-status', '正常推进')
  await page.waitForFunction((n) => document.querySelector('[data-test=table-count]')?.textContent.startsWith(`共 ${n} 条`), onTrack)
  assert.equal(await page.locator('[data-test=progress-table] .el-table__body [data-status]').count(), onTrack)
  assert.equal(await page.locator('[data-test=progress-table] .el-table__body [data-status=on_track]').count(), onTrack)
  // The filter's dropdown fades out after the pick: shoot once every popper is gone.
  await page.waitForFunction(() => [...document.querySelectorAll('.el-select__popper')].every((p) => getComputedStyle(p).display === 'none'))
  await page.screenshot({ path: join(artifacts, 'tables-targets-1440.png'), fullPage: true })
  await page.context().close()
})

test('任务与项目 and 综合评价: paged ledger, rank intervals as whole positions, radar export; screenshots', async (demo) => {
  const page = await signIn(demo, 'province')
  const tasks = await api(page, '/api/v1/ledger/tasks?period=2022-Q3')
  await open(page, '/tasks', () => document.querySelectorAll('[data-test=tasks-table] .el-table__body tr').length === 50)
  await page.waitForFunction((n) => document.querySelector('.data-table:has([data-test=tasks-table]) [data-test=table-pager]')?.textContent.includes(`共 ${n} 条`), tasks.length)
  // The late ones first.
  const first = await page.locator('[data-test=tasks-table] [data-colour]').first().getAttribute('data-colour')
  assert.equal(first, 'red')
  await page.screenshot({ path: join(artifacts, 'tables-tasks-1440.png'), fullPage: true })

  await open(page, '/evaluation', () => document.querySelectorAll('[data-test=eval-table] .el-table__body tr').length === 11)
  const raw = (await api(page, '/api/v1/evaluation?scope=city&year=2022')).units.map((u) => u.rank_interval)
  const texts = await page.locator('[data-test=eval-table] .el-table__body td:has([data-test=rank-interval])').allTextContents()
  assert.equal(texts.length, 11)
  texts.forEach((s, i) => {
    const [lo, hi] = [Math.floor(raw[i][0]), Math.ceil(raw[i][1])]
    assert.equal(s.trim(), lo === hi ? `第 ${lo} 位` : `第 ${lo}–${hi} 位`, `interval ${raw[i]}`)
  })
  // The year selector: years with data only.
  await page.click('[data-test=eval-year]')
  await page.locator('.el-select-dropdown__item:visible').first().waitFor()
  const years = (await page.locator('.el-select-dropdown__item:visible').allTextContents()).map((s) => s.trim())
  await page.keyboard.press('Escape')
  assert.ok(years.includes('2022') && years.every((y) => /^\d{4}$/.test(y)), years.join(' '))
  await page.waitForSelector('[data-test=eval-radar] canvas')
  const png = await download(page, '[data-test=chart-png]')
  assert.equal(png.bytes.subarray(0, 4).toString('hex'), '89504e47')
  await page.waitForTimeout(800) // the map's entry animation, for the screenshot only
  await page.screenshot({ path: join(artifacts, 'tables-evaluation-1440.png'), fullPage: true })

  // The dashboard's chart: PNG and SVG from its toolbox (top right: PNG, then SVG, 15 px icons).
  await open(page, '/dashboard', () => !!document.querySelector('[data-test=bar-line-chart] canvas'))
  await page.waitForTimeout(800) // the entry animation, before clicking into the canvas and the screenshot
  const [pngAt, svgAt] = await toolboxIcons(page, '[data-test=bar-line-chart]')
  const [dpng] = await Promise.all([page.waitForEvent('download'), page.mouse.click(...pngAt)])
  assert.equal(readFileSync(await dpng.path()).subarray(0, 4).toString('hex'), '89504e47', dpng.suggestedFilename())
  const [dsvg] = await Promise.all([page.waitForEvent('download'), page.mouse.click(...svgAt)])
  assert.match(readFileSync(await dsvg.path(), 'utf8').slice(0, 300), /<svg/)
  // The map: PNG and SVG buttons above it; the SVG holds the region outlines and their names.
  await page.waitForFunction(() => Number(document.querySelector('[data-test=region-map]')?.dataset.painted) > 0)
  const mpng = await download(page, '[data-test=map-png]')
  assert.equal(mpng.bytes.subarray(0, 4).toString('hex'), '89504e47')
  assert.match(mpng.name, /^map-[A-Z0-9_]+-360000\.png$/)
  const msvg = (await download(page, '[data-test=map-svg]')).bytes.toString('utf8')
  assert.match(msvg.slice(0, 300), /<svg/)
  assert.ok((msvg.match(/<path/g) ?? []).length >= 11, 'the eleven cities are drawn')
  assert.ok(msvg.includes('南昌') || msvg.includes('南昌市'), 'city names in the SVG')
  await page.screenshot({ path: join(artifacts, 'tables-dashboard-1440.png'), fullPage: true })
  // Print of the dashboard: no sidebar either.
  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('.el-aside').isVisible(), false)
  await page.context().close()

  const admin = await signIn(demo, 'admin')
  await open(admin, '/system', () => document.querySelectorAll('[data-test=users-table] .el-table__body tr').length > 0)
  await admin.screenshot({ path: join(artifacts, 'tables-system-users-1440.png'), fullPage: true })
  // Sign-ins are logged whatever ran before: times in Beijing time, not UTC ISO.
  await admin.click('text=登录日志')
  await admin.waitForFunction(() => document.querySelectorAll('[data-test=logins-table] .el-table__body tr').length > 0)
  const logins = await admin.textContent('[data-test=logins-table] .el-table__body')
  assert.match(logins, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
  assert.doesNotMatch(logins, /T\d{2}:\d{2}/)
  await admin.screenshot({ path: join(artifacts, 'tables-system-logins-1440.png'), fullPage: true })
  await admin.context().close()
})

// ECharts draws the labels on a canvas, so this test only keeps the picture to be looked at.
test('地图: a picture of the city labels (新余 beside 宜春) for review', async (demo) => {
  const page = await signIn(demo, 'province')
  await open(page, '/evaluation', () => !!document.querySelector('[data-test=region-map] canvas'))
  await page.waitForTimeout(800) // the entry animation, for the screenshot only
  await page.locator('[data-test=region-map]').first().screenshot({ path: join(artifacts, 'tables-map-labels.png') })
  await page.context().close()
})
