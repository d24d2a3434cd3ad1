import { createRouter, createWebHistory } from 'vue-router'
import { me, loadMe, setUnauthenticatedHandler } from './api'

const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true } },
  { path: '/', redirect: '/dashboard' },
  { path: '/dashboard', component: () => import('./views/Dashboard.vue') },
  { path: '/explorer', component: () => import('./views/Explorer.vue') },
  { path: '/filing', component: () => import('./views/Filing.vue') },
  { path: '/todo', component: () => import('./views/Todo.vue') },
  { path: '/targets', component: () => import('./views/Targets.vue') },
  { path: '/evaluation', component: () => import('./views/Evaluation.vue') },
  { path: '/tasks', component: () => import('./views/Tasks.vue') },
  { path: '/reports', component: () => import('./views/Reports.vue') },
  { path: '/system', component: () => import('./views/System.vue') },
]

export const router = createRouter({ history: createWebHistory(), routes })

let checked = false
router.beforeEach(async (to) => {
  if (!checked) {
    checked = true
    await loadMe()
  }
  if (!to.meta.public && !me.value) return { path: '/login', query: { next: to.fullPath } }
})

setUnauthenticatedHandler(() => router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } }))
