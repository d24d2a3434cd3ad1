// The application shell for every role: phones (390 px), keyboard, session expiry, labels and
// Beijing time, role-aware pages (department, county, refused pages), 大屏, the profile page, and
// axe-core on every page for every role (0 critical or serious violations). Screenshots of every
// page for every role at 1440 and 390 px go to e2e/artifacts/<role>-<page>-<width>.png.
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import assert from 'node:assert/strict'
import { artifacts, browser, signIn, test } from '../lib.mjs'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const ROLES = { admin: 'admin', province: 'province_office', ganzhou: 'city', zhanggong: 'county', miit: 'department', viewer: 'viewer' }
const PAGES = ['dashboard', 'explorer', 'filing', 'targets', 'evaluation', 'tasks', 'reports', 'system', 'profile']

/** axe-core's critical and serious violations on the page as it is now. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource })
  const result = await page.evaluate(async () => {
    // ECharts canvases and their tooltips are pictures (role=img with a label), not for axe.
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary.split('\n').slice(0, 2).join(' ')) }))
  })
  return result.filter((v) => v.impact === 'critical' || v.impact === 'serious')
}

async function settle(page) {
  await page.mouse.move(0, 0) // no chart tooltip under a pointer left where the last click was
  await page.waitForLoadState('networkidle')
  // Element Plus tables and ECharts draw after the data arrives: one more frame pair, then no
  // CSS transition (dialogs, drawers fading in) still running.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
}

test('every page for every role at 1440 and 390 px: screenshots, no horizontal scroll on phones, axe 0 critical/serious', async (demo) => {
  const failures = []
  for (const [user, role] of Object.entries(ROLES)) {
    for (const width of [1440, 390]) {
      // bypassCSP: the server's CSP (script-src 'self') would refuse axe-core's injected source.
      const page = await signIn(demo, user, { width, height: width === 390 ? 844 : 900, bypassCSP: true })
      for (const name of PAGES) {
        await page.goto(`${demo.url}/${name}`)
        await page.waitForSelector('[data-test=whoami]')
        await settle(page)
        await page.screenshot({ path: join(artifacts, `${role}-${name}-${width}.png`), fullPage: true })
        if (width === 390) {
          const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
          if (sw > iw) failures.push(`${role} ${name} @390: scrollWidth ${sw} > ${iw}`)
        }
        for (const v of await axeViolations(page)) failures.push(`${role} ${name} @${width}: [${v.impact}] ${v.id} ${v.help}\n    ${v.nodes.join('\n    ')}`)
      }
      await page.context().close()
    }
  }
  // The sign-in page too.
  for (const width of [1440, 390]) {
    const page = await (await browser.newContext({ viewport: { width, height: 844 }, locale: 'zh-CN', bypassCSP: true })).newPage()
    await page.goto(`${demo.url}/login`)
    await settle(page)
    await page.screenshot({ path: join(artifacts, `anonymous-login-${width}.png`) })
    for (const v of await axeViolations(page)) failures.push(`login @${width}: [${v.impact}] ${v.id} ${v.help}\n    ${v.nodes.join('\n    ')}`)
    await page.context().close()
  }
  assert.deepEqual(failures, [], failures.join('\n'))
})

test('390 px: the menu is a drawer behind the header button; the header does not overlap the page', async (demo) => {
  const page = await signIn(demo, 'province', { width: 390, height: 844, bypassCSP: true })
  assert.equal(await page.locator('.el-aside').count(), 0, 'no sidebar on a phone')
  const header = await page.locator('.header').boundingBox()
  const main = await page.locator('#main').boundingBox()
  assert.ok(main.y >= header.y + header.height - 1, `the page starts below the header (${main.y} < ${header.y + header.height})`)
  await page.waitForFunction(() => /11,874/.test(document.querySelector('[data-test=headline-DE_VA]')?.textContent ?? ''))
  // The headline cards stack two a row at most, never slivers.
  const card = await page.locator('[data-test=headline-DE_VA]').boundingBox()
  assert.ok(card.width >= 140, `card width ${card.width}`)
  await page.focus('[data-test=menu-toggle]')
  await page.keyboard.press('Enter')
  await page.locator('.nav-drawer [data-test=menu-targets]').waitFor({ state: 'visible' })
  // The drawer slides in; the picture is taken once it is fully open.
  await page.waitForFunction(() => document.querySelector('.nav-drawer')?.getBoundingClientRect().left === 0)
  await page.screenshot({ path: join(artifacts, 'province_office-menu-drawer-390.png') })
  await page.click('.nav-drawer [data-test=menu-targets]')
  await page.waitForURL('**/targets')
  await page.locator('.nav-drawer').waitFor({ state: 'hidden' })
  await page.context().close()
})

test('keyboard only: autofocus on the username, a skip link, Tab to a menu item and Enter opens its page with a visible focus ring', async (demo) => {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })).newPage()
  await page.goto(`${demo.url}/login`)
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-test') === 'username')
  await page.keyboard.type('province')
  await page.keyboard.press('Tab')
  await page.keyboard.type(demo.creds.province)
  await page.keyboard.press('Enter')
  await page.waitForSelector('[data-test=whoami]')
  await page.waitForURL('**/dashboard')
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link')
  assert.match(await page.evaluate(() => document.activeElement?.textContent), /跳到主要内容/)
  let found = false
  for (let i = 0; i < 30 && !found; i++) {
    await page.keyboard.press('Tab')
    found = await page.evaluate(() => document.activeElement?.getAttribute('data-test') === 'menu-tasks')
  }
  assert.ok(found, 'the 任务与项目 menu item is reached with Tab')
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)
  assert.notEqual(outline, 'none', 'the focused menu item shows a focus ring')
  await page.screenshot({ path: join(artifacts, 'keyboard-menu-focus.png') })
  // Arrow keys move within the menu (WAI-ARIA menu pattern); Home/End jump to its ends.
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-test'))
  await page.keyboard.press('ArrowUp')
  assert.equal(await focused(), 'menu-evaluation')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  assert.equal(await focused(), 'menu-reports')
  await page.keyboard.press('Home')
  assert.equal(await focused(), 'menu-dashboard')
  await page.keyboard.press('End')
  assert.equal(await focused(), 'menu-system')
  await page.keyboard.press('ArrowDown')
  assert.equal(await focused(), 'menu-dashboard', 'ArrowDown on the last item wraps to the first')
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  assert.equal(await focused(), 'menu-reports')
  await page.keyboard.press('ArrowUp')
  assert.equal(await focused(), 'menu-tasks')
  await page.keyboard.press('Enter')
  await page.waitForURL('**/tasks')
  await page.waitForSelector('[data-test=tasks-table]')
  await page.context().close()
})

test('session expiry: a dialog asks to sign in again and the same page comes back; /login?next never nests', async (demo) => {
  const page = await signIn(demo, 'province')
  await page.click('[data-test=menu-targets]')
  await page.waitForURL('**/targets')
  await settle(page)
  await page.context().clearCookies()
  await page.click('[data-test=menu-explorer]')
  await page.locator('.session-dialog').waitFor({ state: 'visible' })
  assert.match(await page.textContent('.session-dialog'), /会话已过期，请重新登录/)
  assert.equal(new URL(page.url()).pathname, '/explorer', 'still on the page, not sent to /login')
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'))
  await page.screenshot({ path: join(artifacts, 'session-expired-dialog.png') })
  assert.equal(await page.inputValue('input[data-test=relogin-username]'), 'province')
  await page.fill('input[data-test=relogin-password]', demo.creds.province)
  await page.click('[data-test=relogin-submit]')
  await page.locator('.session-dialog').waitFor({ state: 'hidden' })
  assert.equal(new URL(page.url()).pathname, '/explorer')
  assert.equal(await page.evaluate(async () => (await fetch('/api/v1/me')).status), 200, 'signed in again')

  // Signed out: a page sends to /login?next=<that page>, once, and signing in returns there.
  const fresh = await (await browser.newContext({ locale: 'zh-CN' })).newPage()
  await fresh.goto(`${demo.url}/evaluation?x=1`)
  await fresh.waitForSelector('input[data-test=username]')
  assert.equal(new URL(fresh.url()).searchParams.get('next'), '/evaluation?x=1')
  // An old nested link still lands on the innermost page.
  await fresh.goto(`${demo.url}/login?next=${encodeURIComponent('/login?next=/explorer')}`)
  await fresh.fill('input[data-test=username]', 'province')
  await fresh.fill('input[data-test=password]', demo.creds.province)
  await fresh.click('[data-test=login-submit]')
  await fresh.waitForURL('**/explorer')
  for (const p of [page, fresh]) await p.context().close()
})

test('labels and Beijing time: the role by its name, statuses and plans as labels, update times in Asia/Shanghai', async (demo) => {
  const page = await signIn(demo, 'province')
  await page.waitForFunction(() => /省数字经济办/.test(document.querySelector('[data-test=whoami]')?.textContent ?? ''))
  assert.doesNotMatch(await page.textContent('[data-test=whoami]'), /province_office/)
  await page.waitForSelector('[data-test=latest] [data-test=latest-time]')
  const recent = await page.evaluate(async () => (await fetch('/api/v1/observations/recent?limit=10')).json())
  // UTC + 8 h, computed without Intl so the test does not share the page's code.
  const beijing = (iso) => new Date(Date.parse(/Z|[+-]\d\d:?\d\d$/.test(iso) ? iso : iso.replace(' ', 'T') + 'Z') + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ')
  const shown = await page.locator('[data-test=latest] [data-test=latest-time]').allTextContents()
  assert.deepEqual(shown, recent.map((r) => beijing(r.updated_at)))
  const latest = await page.textContent('[data-test=latest]')
  assert.doesNotMatch(latest, /\bfinal\b|\bprovisional\b/)
  const targets = await page.textContent('[data-test=targets]')
  assert.doesNotMatch(targets, /jx-14fyp/)
  assert.match(await page.textContent('[data-test=headline-CORE_REV]'), /11,133\.17/)
  assert.match(await page.textContent('[data-test=headline-DE_VA]'), /数据截至 2022/)
  assert.match(await page.textContent('[data-test=updated-at]'), /更新于 \d{4}-\d\d-\d\d \d\d:\d\d/)
  await page.context().close()
})

test('roles: the department sees its own indicators; a county its map among grey peers; /system refused to a county and a viewer', async (demo) => {
  const dept = await signIn(demo, 'miit')
  await dept.waitForSelector('[data-test=dept-notice]')
  // 省工信厅 leads no indicator in the catalogue, so the page says so and lists its plan tasks.
  await dept.waitForFunction(() => document.querySelectorAll('[data-test=dept-tasks] .el-table__body tr').length > 0)
  assert.match(await dept.textContent('[data-test=dept-notice]'), /省工信厅/)
  const text = await dept.textContent('.dashboard')
  assert.doesNotMatch(text, /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|360000-miit|jx-/, `no raw codes: ${text.slice(0, 400)}`)
  assert.match(await dept.textContent('[data-test=dept-tasks]'), /牵头/)
  assert.match(await dept.textContent('[data-test=whoami]'), /部门/)
  assert.equal(await dept.locator('[data-test=menu-explorer]').count(), 0, 'a department sees no regional observations: no 指标查询')
  await dept.context().close()

  const county = await signIn(demo, 'zhanggong')
  await county.waitForSelector('[data-test=region-map][data-parent="360700"] canvas')
  await county.waitForFunction(() => document.querySelectorAll('[data-test=ranking] .el-table__body tr').length > 0)
  assert.equal(await county.getAttribute('[data-test=region-map]', 'data-painted'), '1', 'only its own county is painted')
  assert.match(await county.textContent('[data-test=ranking-card]'), /县（市、区）排名/)
  assert.match(await county.textContent('[data-test=ranking]'), /章贡区/)
  assert.equal(await county.locator('[data-test=map-back]').count(), 0, 'no 返回全省 for a county')
  assert.equal(await county.locator('[data-test=menu-system]').count(), 0)
  await county.goto(`${demo.url}/system`)
  await county.waitForSelector('[data-test=forbidden]')
  assert.match(await county.textContent('[data-test=forbidden]'), /无权访问/)
  await county.context().close()

  const viewer = await signIn(demo, 'viewer')
  await viewer.goto(`${demo.url}/system`)
  await viewer.waitForSelector('[data-test=forbidden]')
  await viewer.context().close()

  // The province drills into a city and comes back; the map follows each time.
  const province = await signIn(demo, 'province')
  await province.waitForSelector('[data-test=region-map][data-parent="360000"] canvas')
  assert.match(await province.textContent('[data-test=ranking-card]'), /设区市排名/)
  await province.context().close()
})

test('大屏: /dashboard?screen=1 hides the chrome, dark, and a button leaves it', async (demo) => {
  const page = await signIn(demo, 'province')
  await page.click('[data-test=screen-on]')
  await page.waitForURL('**/dashboard?screen=1')
  await page.waitForFunction(() => /11,874/.test(document.querySelector('[data-test=headline-DE_VA]')?.textContent ?? ''))
  assert.equal(await page.locator('.header').count(), 0)
  assert.equal(await page.locator('.el-aside').count(), 0)
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('dark')))
  await page.waitForSelector('[data-test=region-map] canvas')
  await settle(page)
  await page.screenshot({ path: join(artifacts, 'province_office-dashboard-screen-1440.png') })
  await page.click('[data-test=screen-off]')
  await page.waitForSelector('.header')
  assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('dark'))))
  await page.context().close()
})

test('profile: user, role, region; the password changes with the current one and the new one twice (and is changed back)', async (demo) => {
  const page = await signIn(demo, 'viewer')
  await page.click('[data-test=whoami]')
  await page.waitForURL('**/profile')
  await page.waitForFunction(() => /查看/.test(document.querySelector('[data-test=profile-role]')?.textContent ?? ''))
  assert.match(await page.textContent('[data-test=profile-info]'), /viewer/)
  const old = demo.creds.viewer
  const next = 'e2e-new-password-1'
  // The two new passwords differ: refused in the browser, nothing sent.
  await page.fill('input[data-test=pw-old]', old)
  await page.fill('input[data-test=pw-new]', next)
  await page.fill('input[data-test=pw-confirm]', next + 'x')
  await page.click('[data-test=pw-submit]')
  await page.waitForSelector('[data-test=password-form] >> text=两次输入的新密码不一致')
  // A wrong current password: refused by the server, on its field.
  await page.fill('input[data-test=pw-old]', 'not-the-password')
  await page.fill('input[data-test=pw-confirm]', next)
  await page.click('[data-test=pw-submit]')
  await page.waitForSelector('[data-test=password-form] >> text=原密码不正确')
  await page.fill('input[data-test=pw-old]', old)
  await page.click('[data-test=pw-submit]')
  await page.waitForSelector('[data-test=pw-done]')
  await page.screenshot({ path: join(artifacts, 'viewer-profile-changed-1400.png'), fullPage: true })
  const login = (password) => page.evaluate(async ([u, p]) => (await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: p }) })).status, ['viewer', password])
  assert.equal(await login(next), 200, 'the new password signs in')
  // Back to the printed password, so later tests sign in as before.
  const status = await page.evaluate(async ([o, n]) => {
    const me = await (await fetch('/api/v1/me')).json()
    const r = await fetch('/api/v1/me/password', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: JSON.stringify({ old_password: o, new_password: n, confirm_password: n }) })
    return r.status
  }, [next, old])
  assert.equal(status, 204)
  assert.equal(await login(old), 200)
  await page.context().close()
})
