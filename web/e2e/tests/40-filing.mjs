// Filing that guides and review at scale (issue 16): the cell rule before anything is sent, the
// server's rule failure on its cell, outlier flags before the save and in the submit
// confirmation, 上期值, the save summary in words, submit → withdraw → submit, a return that
// notifies the county (待办 badge and notice), bulk approval with a confirmation, and 催报 from the
// filing-rate list. Periods of JXDE-A-COUNTY (2023, 2024) no other test file uses: their windows
// have closed, so the provincial office opens them first, as it would for a late filing.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { artifacts, signIn, test } from '../lib.mjs'

const FORM = 'JXDE-A-COUNTY'

/// An in-page API call as the UI makes it (CSRF token); the status and the body.
const call = (page, path, method, body) =>
  page.evaluate(async ({ path, method, body }) => {
    const me = await (await fetch('/api/v1/me')).json()
    const r = await fetch(path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: body ? JSON.stringify(body) : undefined })
    return [r.status, await r.json().catch(() => null)]
  }, { path, method, body })

// el-input puts the data-test on the native input.
const input = (page, sel) => page.locator(sel).locator('xpath=descendant-or-self::input')
const cell = (page, code) => input(page, `[data-test=value-${code}]`)
const textOf = async (page, sel) => (await page.textContent(sel)) ?? ''
const waitText = (page, sel, re) =>
  page.waitForFunction(({ sel, src }) => new RegExp(src).test(document.querySelector(sel)?.textContent ?? ''), { sel, src: re.source })
const stateIs = (page, zh) => waitText(page, '[data-test=filing-state]', new RegExp(zh))

async function confirmDialog(page, cls) {
  const button = page.locator(`.${cls} .el-button--primary`)
  await button.waitFor({ state: 'visible' })
  const text = await textOf(page, `.${cls}`)
  await button.click()
  await page.locator(`.${cls}`).waitFor({ state: 'hidden' })
  return text
}

async function openFiling(page, filer, period) {
  await page.goto(`${page.url().replace(/\/[^/]*$/, '')}/filing?form=${FORM}&filer=${filer}&period=${period}`)
  await page.waitForSelector('[data-test=entry-grid]')
}

test('filing guides: cell errors before sending, server rules on the cell, outliers before save and at submission, 上期值, save summary, withdraw, return notice', async (demo) => {
  const province = await signIn(demo, 'province')
  let [status, body] = await call(province, `/api/v1/filings/${FORM}/360702/2023/actions`, 'POST', { action: 'reopen', comment: 'e2e: 补报 2023' })
  assert.equal(status, 200, JSON.stringify(body))

  const county = await signIn(demo, 'zhanggong')
  await openFiling(county, '360702', '2023')
  // 上期值: the demo holds 2022 for this county (synthetic), shown with its period.
  assert.match(await textOf(county, '[data-test=previous-DE_VA]'), /159\.57/)
  assert.match(await textOf(county, '[data-test=entry-grid]'), /上期值（2022）/)

  // Not a number: the message is on the cell and nothing is sent.
  let sent = 0
  county.on('request', (r) => { if (r.method() !== 'GET' && r.url().includes('/api/v1/filings/')) sent++ })
  await cell(county, 'GDP').fill('abc')
  await county.waitForSelector('[data-test=cell-error-GDP]')
  assert.match(await textOf(county, '[data-test=cell-error-GDP]'), /请输入数字/)
  await cell(county, 'EIM_REV').fill('1,234.5')
  assert.match(await textOf(county, '[data-test=cell-error-EIM_REV]'), /请输入数字/)
  await county.click('[data-test=save]')
  await waitText(county, '[data-test=filing-message]', /标红/)
  await county.screenshot({ path: join(artifacts, 'filing-cell-error.png'), fullPage: true })
  assert.equal(sent, 0, 'nothing is sent while a cell is not a number')

  // A rule the server refuses (DE_VA ≤ GDP) is shown on its cell.
  const fill = async (values) => { for (const [k, v] of Object.entries(values)) await cell(county, k).fill(String(v)) }
  await fill({ GDP: 100, EIM_REV: 50, ITSW_REV: 20, DI_VA: 25, ID_VA: 140, DE_VA: 165, DE_VA_GDP_SHARE: 43.42 })
  await county.click('[data-test=save]')
  await county.waitForSelector('[data-test=cell-error-DE_VA]')
  assert.match(await textOf(county, '[data-test=cell-error-DE_VA]'), /不能超过地区生产总值/)
  assert.doesNotMatch(await textOf(county, '[data-test=filing-message]'), /请求有误/)
  await county.screenshot({ path: join(artifacts, 'filing-rule-on-cell.png'), fullPage: true })

  // 999999 亿元: flagged before the save, in a dialog; saved once confirmed; the summary in words.
  await fill({ GDP: 999999, DE_VA_GDP_SHARE: 0.02 })
  await county.locator('.check-dialog').waitFor({ state: 'hidden' }).catch(() => {})
  await county.click('[data-test=save]')
  await county.locator('.check-dialog .el-button--primary').waitFor({ state: 'visible' })
  await county.screenshot({ path: join(artifacts, 'filing-outlier-before-save.png'), fullPage: true })
  const check = await confirmDialog(county, 'check-dialog')
  assert.match(check, /GDP = 999999/, check)
  assert.match(check, /请核对单位/, check)
  await waitText(county, '[data-test=filing-message]', /已保存：新增 7 项，修改 0 项，未变 0 项/)
  await stateIs(county, '已退回')
  await fill({ EIM_REV: 55 })
  await county.click('[data-test=save]')
  await waitText(county, '[data-test=filing-message]', /已保存：新增 0 项，修改 1 项，未变 6 项/)

  // Submit asks first, listing the flags; then withdraw (asks too), and submit again.
  await county.click('[data-test=submit]')
  const submitText = await confirmDialog(county, 'submit-dialog')
  assert.match(submitText, /999999/, submitText)
  await stateIs(county, '已上报')
  await county.click('[data-test=withdraw]')
  await confirmDialog(county, 'withdraw-dialog')
  await stateIs(county, '草稿')
  await waitText(county, '[data-test=filing-message]', /已撤回/)
  await county.click('[data-test=submit]')
  await confirmDialog(county, 'submit-dialog')
  await stateIs(county, '已上报')
  await county.screenshot({ path: join(artifacts, 'filing-submitted-again.png'), fullPage: true })

  // The city returns it; the county sees it in 待办 with a badge and a notice.
  const city = await signIn(demo, 'ganzhou')
  await openFiling(city, '360702', '2023')
  await input(city, '[data-test=comment]').fill('e2e: 请核对GDP单位')
  await city.click('[data-test=return]')
  await stateIs(city, '已退回')

  await county.goto(demo.url + '/dashboard')
  await county.waitForSelector('[data-test=todo-badge]')
  await county.click('[data-test=menu-todo]')
  await waitText(county, '[data-test=notices]', /请核对GDP单位/)
  assert.match(await textOf(county, '[data-test=todo-own]'), /已退回/)
  await county.screenshot({ path: join(artifacts, 'todo-county-returned.png'), fullPage: true })
  for (const p of [province, county, city]) await p.context().close()
})

test('bulk approval: the city selects two submissions, confirms, and both are approved through the workflow; the province approves them from 待办', async (demo) => {
  const province = await signIn(demo, 'province')
  const values = { GDP: 300, EIM_REV: 10, ITSW_REV: 5, DI_VA: 20, ID_VA: 100, DE_VA: 120, DE_VA_GDP_SHARE: 40 }
  for (const filer of ['360703', '360704']) {
    const base = `/api/v1/filings/${FORM}/${filer}/2023`
    for (const [path, method, body] of [
      [`${base}/actions`, 'POST', { action: 'reopen', comment: 'e2e: 补报' }],
      [`${base}/values`, 'PUT', { values }],
      [`${base}/actions`, 'POST', { action: 'submit', explanations: {} }],
    ]) {
      const [status, b] = await call(province, path, method, body)
      assert.equal(status, 200, `${method} ${path}: ${JSON.stringify(b)}`)
    }
  }
  const city = await signIn(demo, 'ganzhou')
  await city.click('[data-test=menu-filing]')
  await city.waitForSelector('[data-test=review-list] >> text=南康区')
  await city.waitForSelector('[data-test=review-list] >> text=赣县区')
  for (const name of ['南康区', '赣县区']) await city.locator(`[data-test=review-list] tr:has-text("${name}") .el-checkbox`).click()
  await city.click('[data-test=bulk-approve]')
  await city.locator('.bulk-dialog .el-button--primary').waitFor({ state: 'visible' })
  await city.screenshot({ path: join(artifacts, 'filing-bulk-confirm.png'), fullPage: true })
  const text = await confirmDialog(city, 'bulk-dialog')
  assert.match(text, /2 份/, text)
  await waitText(city, '[data-test=page-message]', /审核通过 2 份，失败 0 份/)
  for (const filer of ['360703', '360704']) {
    const [, f] = await call(city, `/api/v1/filings/${FORM}/${filer}/2023`, 'GET')
    assert.equal(f.state, 'city_approved')
  }
  await city.screenshot({ path: join(artifacts, 'filing-bulk-done.png'), fullPage: true })
  // The province finishes them from 待办: the same confirmation (each filing a list item), the same summary.
  await province.click('[data-test=menu-todo]')
  for (const name of ['南康区', '赣县区']) await province.locator(`[data-test=todo-review] tr:has-text("${name}"):has-text("${FORM}") .el-checkbox`).click()
  await province.click('[data-test=todo-bulk-approve]')
  await province.locator('.bulk-dialog .el-button--primary').waitFor({ state: 'visible' })
  assert.equal(await province.locator('.bulk-dialog li').count(), 2)
  assert.match(await textOf(province, '.bulk-dialog'), new RegExp(`${FORM} · 南康区 · 2023`))
  await confirmDialog(province, 'bulk-dialog')
  await waitText(province, '[data-test=todo-message]', /审核通过 2 份，失败 0 份/)
  for (const filer of ['360703', '360704']) {
    const [, f] = await call(province, `/api/v1/filings/${FORM}/${filer}/2023`, 'GET')
    assert.equal(f.state, 'approved')
  }
  for (const p of [province, city]) await p.context().close()
})

test('催报 from the filing-rate list: the city reminds Zhanggong, which sees the notice in 待办', async (demo) => {
  const city = await signIn(demo, 'ganzhou')
  await city.click('[data-test=menu-filing]')
  await city.click('.el-tabs__item:has-text("报送率")')
  await city.click('[data-test=rates-form]')
  await city.click(`.el-select-dropdown__item:visible:has-text("${FORM}")`)
  await input(city, '[data-test=rates-period]').fill('2024')
  await city.click('[data-test=rates-query]')
  await city.waitForSelector('[data-test=remind-360702]')
  await city.click('[data-test=remind-360702]')
  await waitText(city, '[data-test=page-message]', /已催报：章贡区/)
  await city.screenshot({ path: join(artifacts, 'filing-remind.png'), fullPage: true })

  const county = await signIn(demo, 'zhanggong')
  await county.waitForSelector('[data-test=todo-badge]')
  await county.click('[data-test=menu-todo]')
  await waitText(county, '[data-test=notices]', /催报[\s\S]*JXDE-A-COUNTY 2024/)
  assert.match(await textOf(county, '[data-test=notices]'), /ganzhou/)
  await county.screenshot({ path: join(artifacts, 'todo-county-remind.png'), fullPage: true })
  for (const p of [city, county]) await p.context().close()
})
