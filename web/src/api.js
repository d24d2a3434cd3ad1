// The API client: same-origin cookies for the session, the CSRF token on every state-changing
// request, JSON errors turned into exceptions that carry the server's code, message and fields.
import { ref } from 'vue'

export const me = ref(null)
let onUnauthenticated = () => {}
export function setUnauthenticatedHandler(f) { onUnauthenticated = f }

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`)
    this.status = status
    this.code = error?.code
    this.fields = error?.fields || []
    // 412: who changed the resource since it was read, when, and its ETag now.
    this.conflict = error?.conflict || null
  }
}

export async function api(path, { method = 'GET', body, raw = false, ifMatch } = {}) {
  const headers = {}
  // Optimistic concurrency: the server answers 412 if the resource changed since it was read.
  if (ifMatch) headers['If-Match'] = ifMatch
  // Files go as they are (an upload is the request body); everything else as JSON.
  const isForm = body instanceof FormData || body instanceof Blob
  if (body !== undefined && !isForm) headers['Content-Type'] = 'application/json'
  if (body instanceof Blob) headers['Content-Type'] = 'application/octet-stream'
  if (method !== 'GET' && me.value?.csrf_token) headers['X-CSRF-Token'] = me.value.csrf_token
  const r = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
  })
  if (r.status === 401 && !path.endsWith('/auth/login')) {
    me.value = null
    onUnauthenticated()
  }
  if (raw) return r
  const type = r.headers.get('content-type') || ''
  const data = type.includes('json') ? await r.json() : await r.text()
  if (!r.ok) throw new ApiError(r.status, data?.error)
  return data
}

export async function loadMe() {
  try {
    me.value = await api('/api/v1/me')
  } catch {
    me.value = null
  }
  return me.value
}

export async function login(username, password) {
  me.value = await api('/api/v1/auth/login', { method: 'POST', body: { username, password } })
  return me.value
}

export async function logout() {
  try { await api('/api/v1/auth/logout', { method: 'POST', body: {} }) } finally { me.value = null }
}

/// Observations as a list; `params` are indicator, region, period.
export function observations(params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v))
  return api(`/api/v1/observations?${q}`)
}

export function downloadUrl(params, format) {
  const q = new URLSearchParams(Object.entries({ ...params, format }).filter(([, v]) => v))
  return `/api/v1/observations?${q}`
}
