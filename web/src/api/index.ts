// The API client, typed by the server's OpenAPI document: `schema.d.ts` is generated from the
// committed `openapi.json` on every build (`npm run api:types`), and `npm run build` type-checks
// this module and the pages against it, so a renamed field or path fails the web build.
// Same-origin cookies carry the session; the CSRF token goes on every state-changing request;
// JSON errors become exceptions with the server's code, message and fields.
import { ref } from 'vue'
import createClient from 'openapi-fetch'
import type { components, paths } from './schema'

type Schemas = components['schemas']
// The answers' types are taken from the calls below (what openapi-fetch reads for each path), so
// they follow the document whatever its schemas are named.
type Answer<F extends (...a: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>
type Item<F extends (...a: never[]) => Promise<unknown[]>> = Answer<F>[number]
export type Me = Schemas['Me']
export type Region = Item<typeof regions>
export type Indicator = Item<typeof indicators>
export type Department = Item<typeof departments>
export type Plan = Item<typeof plans>
export type Target = Item<typeof catalogueTargets>
export type Task = Item<typeof catalogueTasks>
export type Project = Item<typeof projects>
export type Observation = Item<typeof observations>
export type Recent = Item<typeof recent>
export type Progress = Item<typeof progress>
export type Evaluation = Answer<typeof evaluation>
export type Form = Item<typeof forms>
export type Filing = Item<typeof filings>
export type FilingDetail = Answer<typeof filing>
export type Rates = Answer<typeof rates>
export type Todo = Answer<typeof todo>
export type Notice = Item<typeof notices>
export type CheckResult = Answer<typeof checkValues>
export type BulkResult = Answer<typeof bulkAct>
export type TaskColour = Item<typeof taskColours>
export type ProjectProgress = Item<typeof projectProgress>
export type User = Item<typeof users>
export type Dictionary = Item<typeof dictionaries>
export type LoginLog = Item<typeof loginLog>
export type OperationLog = Item<typeof operationLog>
export type NewUser = NonNullable<paths['/api/v1/users']['post']['requestBody']>['content']['application/json']
export type ActionRequest = NonNullable<paths['/api/v1/filings/{form}/{filer}/{period}/actions']['post']['requestBody']>['content']['application/json']
type ErrorBody = Schemas['ErrorBody']
type Query<P extends keyof paths> = NonNullable<paths[P]['get']['parameters']['query']>

export const me = ref<Me | null>(null)
// Called on a 401 with the user who was signed in (null if nobody was); the handler decides
// whether to ask for a new sign-in in place or to go to /login.
let onUnauthenticated: (user: Me | null) => void = () => {}
export function setUnauthenticatedHandler(f: (user: Me | null) => void) { onUnauthenticated = f }

export class ApiError extends Error {
  status: number
  code?: string
  fields: Schemas['FieldError'][]
  /** 412: who changed the resource since it was read, when, and its ETag now. */
  conflict: ErrorBody['conflict'] | null
  constructor(status: number, error?: ErrorBody) {
    super(error?.message || `HTTP ${status}`)
    this.status = status
    this.code = error?.code
    this.fields = error?.fields || []
    this.conflict = error?.conflict || null
  }
}

const client = createClient<paths>({ credentials: 'same-origin' })
client.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && me.value?.csrf_token) request.headers.set('X-CSRF-Token', me.value.csrf_token)
    return request
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !request.url.endsWith('/auth/login') && !request.url.endsWith('/api/v1/me')) onUnauthenticated(me.value)
    return response
  },
})

/** The body of a successful answer, or an `ApiError`. */
async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call
  if (!response.ok) throw new ApiError(response.status, (error as { error?: ErrorBody } | undefined)?.error)
  return data as T
}

export async function loadMe() {
  try {
    me.value = await ok(client.GET('/api/v1/me'))
  } catch {
    me.value = null
  }
  return me.value
}

export async function login(username: string, password: string) {
  me.value = await ok(client.POST('/api/v1/auth/login', { body: { username, password } }))
  return me.value
}

export async function logout() {
  try { await client.POST('/api/v1/auth/logout') } finally { me.value = null }
}

// Empty filter fields are left out of the query.
const given = <T extends object>(q: T) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== '' && v != null)) as T

export const regions = () => ok(client.GET('/api/v1/regions'))
export const indicators = () => ok(client.GET('/api/v1/indicators'))
export const departments = () => ok(client.GET('/api/v1/departments'))
export const plans = () => ok(client.GET('/api/v1/plans'))
/** The targets as the plans state them (a department: those it leads). */
export const catalogueTargets = () => ok(client.GET('/api/v1/targets'))
/** The plans' tasks with their lead and co-operating departments. */
export const catalogueTasks = () => ok(client.GET('/api/v1/tasks'))
export const projects = () => ok(client.GET('/api/v1/projects'))

/** Observations as a list. */
export function observations(q: Query<'/api/v1/observations'>) {
  return ok(client.GET('/api/v1/observations', { params: { query: given(q) } }))
}

/** The same observations as a CSV, XLSX or SDMX-CSV download (a link, not a call). */
export function downloadUrl(q: Query<'/api/v1/observations'>, format: 'csv' | 'xlsx' | 'sdmx') {
  const path: keyof paths = '/api/v1/observations'
  return `${path}?${new URLSearchParams(given({ ...q, format }) as Record<string, string>)}`
}

export const recent = (q: Query<'/api/v1/observations/recent'>) => ok(client.GET('/api/v1/observations/recent', { params: { query: q } }))
export const progress = (q: Query<'/api/v1/progress'>) => ok(client.GET('/api/v1/progress', { params: { query: given(q) } }))
export const evaluation = (q: Query<'/api/v1/evaluation'>) => ok(client.GET('/api/v1/evaluation', { params: { query: given(q) } }))

export const forms = () => ok(client.GET('/api/v1/forms'))
export const filings = (q: Query<'/api/v1/filings'> = {}) => ok(client.GET('/api/v1/filings', { params: { query: given(q) } }))

export type FilingKey = { form: string; filer: string; period: string }
export const filing = (path: FilingKey) => ok(client.GET('/api/v1/filings/{form}/{filer}/{period}', { params: { path } }))

/** Saves values; `etag` is the version read (412 if someone changed the filing since). */
export function saveValues(path: FilingKey, values: Record<string, number>, etag: string) {
  return ok(client.PUT('/api/v1/filings/{form}/{filer}/{period}/values', { params: { path, header: { 'If-Match': etag } }, body: { values } }))
}

export function act(path: FilingKey, body: ActionRequest, etag: string) {
  return ok(client.POST('/api/v1/filings/{form}/{filer}/{period}/actions', { params: { path, header: { 'If-Match': etag } }, body }))
}

/** The rules and outlier flags of typed values, without saving them (422 names the cells). */
export function checkValues(path: FilingKey, values: Record<string, number>) {
  return ok(client.POST('/api/v1/filings/{form}/{filer}/{period}/check', { params: { path }, body: { values } }))
}

/** 待办 of the signed-in user; `todoState` holds the latest answer for the menu badge. */
export const todo = () => ok(client.GET('/api/v1/todo'))
export const todoState = ref<Todo | null>(null)
export async function refreshTodo() {
  try {
    todoState.value = await todo()
  } catch {
    todoState.value = null
  }
  return todoState.value
}
export const notices = () => ok(client.GET('/api/v1/notices'))
export const readNotice = (id: number) => ok(client.POST('/api/v1/notices/{id}/read', { params: { path: { id } } }))
/** 催报: an in-app notice asking the filer to file (reviewers, within scope). */
export const remind = (path: FilingKey, message?: string) =>
  ok(client.POST('/api/v1/filings/{form}/{filer}/{period}/remind', { params: { path }, body: { message: message ?? null } }))
/** Approves (or returns) several filings, each through the workflow on its own; every outcome comes back. */
export const bulkAct = (action: 'approve' | 'return', filings: FilingKey[], comment?: string) =>
  ok(client.POST('/api/v1/filings/actions', { body: { action, filings, comment: comment ?? null } }))

/** Uploads a filled-in template or a data file as it is. */
export function importFile(filename: string, file: Blob) {
  return ok(
    client.POST('/api/v1/forms/import', {
      params: { query: { filename } },
      // The file is the request body, sent unchanged (the document calls it bytes).
      body: file as unknown as number[],
      bodySerializer: (b: unknown) => b as Blob,
      headers: { 'Content-Type': 'application/octet-stream' },
    }),
  )
}

export const rates = (form: string, q: Query<'/api/v1/forms/{form}/rates'>) =>
  ok(client.GET('/api/v1/forms/{form}/rates', { params: { path: { form }, query: q } }))

/** The filled-in template of a filing (a link, not a call). */
export function templateUrl(form: string, q: Query<'/api/v1/forms/{form}/template'>) {
  const path: keyof paths = '/api/v1/forms/{form}/template'
  return `${path.replace('{form}', encodeURIComponent(form))}?${new URLSearchParams(given(q) as Record<string, string>)}`
}

export const taskColours = (q: Query<'/api/v1/ledger/tasks'>) => ok(client.GET('/api/v1/ledger/tasks', { params: { query: q } }))
export const projectProgress = (q: Query<'/api/v1/ledger/projects'>) => ok(client.GET('/api/v1/ledger/projects', { params: { query: q } }))

/** The quarterly bulletin (a link, not a call): HTML, or XLSX with `format: 'xlsx'`. */
export function bulletinUrl(q: Query<'/api/v1/bulletin'>) {
  const path: keyof paths = '/api/v1/bulletin'
  return `${path}?${new URLSearchParams(given(q) as Record<string, string>)}`
}

/** A report of 报告中心 (a link, not a call): the HTML preview, or a download in `format`. */
export function reportUrl(kind: 'whitepaper', q: Query<'/api/v1/reports/whitepaper'>): string
export function reportUrl(kind: 'profile', q: Query<'/api/v1/reports/profile'>): string
export function reportUrl(kind: 'whitepaper' | 'profile', q: Query<'/api/v1/reports/whitepaper'> | Query<'/api/v1/reports/profile'>) {
  const path: keyof paths = kind === 'whitepaper' ? '/api/v1/reports/whitepaper' : '/api/v1/reports/profile'
  return `${path}?${new URLSearchParams(given(q) as Record<string, string>)}`
}

/** Asks for a report once, so that a refusal (403, 404, 503) shows as its message, not in a frame. */
export async function checkReport(url: string) {
  const r = await fetch(url, { credentials: 'same-origin' })
  if (r.status === 401) onUnauthenticated(me.value)
  if (!r.ok) throw new ApiError(r.status, ((await r.json().catch(() => null)) as { error?: ErrorBody } | null)?.error)
}

export const users = () => ok(client.GET('/api/v1/users'))
export const createUser = (body: NewUser) => ok(client.POST('/api/v1/users', { body }))
export const dictionaries = () => ok(client.GET('/api/v1/dictionaries'))
export const loginLog = () => ok(client.GET('/api/v1/logs/logins'))
export const operationLog = () => ok(client.GET('/api/v1/logs/operations'))
export type PasswordChange = NonNullable<paths['/api/v1/me/password']['post']['requestBody']>['content']['application/json']
/** Changes the signed-in user's password (422 with the fields that are wrong). */
export const changePassword = (body: PasswordChange) => ok(client.POST('/api/v1/me/password', { body }))
