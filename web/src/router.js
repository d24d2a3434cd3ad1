import { createRouter, createWebHistory } from 'vue-router'
import { me, loadMe, setUnauthenticatedHandler } from './api'
import { sessionExpired } from './session'

// `roles`: who may use a page (absent: every signed-in user). The menu hides what a role cannot
// use, and App.vue shows 无权访问 instead of the page when it is opened by URL anyway; the server
// refuses the data regardless.
// A department sees no regional observations and no regional reports.
const ALL_BUT_DEPARTMENT = ['admin', 'province_office', 'city', 'county', 'viewer']
const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/', redirect: '/dashboard' },
  { path: '/dashboard', component: () => import('./views/Dashboard.vue'), meta: { title: 'menu.dashboard' } },
  { path: '/explorer', component: () => import('./views/Explorer.vue'), meta: { title: 'menu.explorer', roles: ALL_BUT_DEPARTMENT } },
  { path: '/filing', component: () => import('./views/Filing.vue'), meta: { title: 'menu.filing' } },
  { path: '/todo', component: () => import('./views/Todo.vue'), meta: { title: 'work.menu' } },
  { path: '/targets', component: () => import('./views/Targets.vue'), meta: { title: 'menu.targets' } },
  { path: '/evaluation', component: () => import('./views/Evaluation.vue'), meta: { title: 'menu.evaluation' } },
  { path: '/tasks', component: () => import('./views/Tasks.vue'), meta: { title: 'menu.tasks' } },
  { path: '/reports', component: () => import('./views/Reports.vue'), meta: { title: 'menu.reports', roles: ALL_BUT_DEPARTMENT } },
  { path: '/system', component: () => import('./views/System.vue'), meta: { title: 'menu.system', roles: ['admin', 'province_office'] } },
  { path: '/profile', component: () => import('./views/Profile.vue'), meta: { title: 'menu.profile' } },
]

/** Whether the signed-in user's role may use the page at `route`. */
export function allowed(route) {
  const roles = route.meta?.roles
  return !roles || (!!me.value && roles.includes(me.value.role))
}

export const router = createRouter({ history: createWebHistory(), routes })

/**
 * Where to go after signing in: a path of this site, never /login itself. A nested
 * `/login?next=/login?next=/explorer` (left by older builds or typed) is unwrapped to /explorer.
 */
export function safeNext(next) {
  let n = typeof next === 'string' ? next : ''
  for (let i = 0; i < 5 && n.startsWith('/login'); i++) n = new URLSearchParams(n.split('?')[1] || '').get('next') || ''
  return n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/login') ? n : '/dashboard'
}

const loginFor = (fullPath) => ({ path: '/login', query: fullPath && safeNext(fullPath) !== '/dashboard' ? { next: safeNext(fullPath) } : {} })

let checked = false
router.beforeEach(async (to) => {
  if (!checked) {
    checked = true
    await loadMe()
  }
  if (!to.meta.public && !me.value) return loginFor(to.fullPath)
})

// A 401 while signed in means the session ended under the user (timeout, signed out elsewhere):
// a dialog asks to sign in again over the page, which then reloads in place. Without a user
// (never signed in) the router's guard sends to /login.
setUnauthenticatedHandler((user) => {
  if (user) {
    sessionExpired.value = user.username
    return
  }
  const current = router.currentRoute.value
  if (!current.meta.public && current.matched.length) router.push(loginFor(current.fullPath))
})
