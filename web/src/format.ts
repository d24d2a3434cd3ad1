// How values are shown on every page: times in Beijing time, numbers with thousands separators,
// and labels instead of stored codes. The labels come from the server (the dictionaries of
// `GET /api/v1/dictionaries` and the plans of the catalogue), so a page never prints a raw code
// such as `province_office`, `final` or `jx-14fyp`.
//
//   formatTime('2026-12-05T18:09:55.745Z')  → '2026-12-06 02:09'
//   formatNumber(11874)                      → '11,874'
//   formatNumber(10856.8584, 2)              → '10,856.86'
//   await loadLabels()                       (once; App.vue does it after sign-in)
//   label('role', 'province_office')         → '省数字经济办' (English when the UI is in English)
//   roleLabel, statusLabel, actionLabel, filingStateLabel, planName: the common lookups
import { reactive } from 'vue'
import { dictionaries, plans } from './api'
import { i18n } from './i18n.js'

const TIME_ZONE = 'Asia/Shanghai'
const timeParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})

/**
 * A server time as `YYYY-MM-DD HH:mm` in Beijing time (the server stores and sends UTC; a time
 * without an offset is read as UTC). A bare date (`2026-12-05`) is returned as it is; empty → '—'.
 */
export function formatTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso
  const utc = /[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso.replace(' ', 'T')}Z`
  const d = new Date(utc)
  if (Number.isNaN(d.getTime())) return iso
  const p = Object.fromEntries(timeParts.formatToParts(d).map((x) => [x.type, x.value]))
  const s = withSeconds ? `:${String(d.getUTCSeconds()).padStart(2, '0')}` : ''
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${s}`
}

/**
 * A number with zh-CN thousands separators. `decimals` fixes the decimal places (a form's or an
 * indicator's precision); without it at most two are shown and trailing zeros dropped. null → '—'.
 */
export function formatNumber(v: number | null | undefined, decimals?: number): string {
  if (v == null || Number.isNaN(v)) return '—'
  const f = decimals == null ? { maximumFractionDigits: 2 } : { minimumFractionDigits: decimals, maximumFractionDigits: decimals }
  return new Intl.NumberFormat('zh-CN', f).format(v)
}

type Labels = { zh: string; en: string }
const state = reactive({ loaded: false, dict: {} as Record<string, Record<string, Labels>>, plans: {} as Record<string, Labels> })
let loading: Promise<void> | null = null

/** Loads the dictionaries and plan names once per sign-in (call again after `resetLabels`). */
export function loadLabels(): Promise<void> {
  loading ??= Promise.all([dictionaries(), plans()])
    .then(([ds, ps]) => {
      state.dict = Object.fromEntries(ds.map((d) => [d.code, Object.fromEntries(d.items.map((i) => [i.value, { zh: i.label_zh, en: i.label_en }]))]))
      state.plans = Object.fromEntries(ps.map((p) => [p.id, { zh: p.name_zh, en: p.name_en || p.name_zh }]))
      state.loaded = true
    })
    .catch((e) => {
      loading = null // signed out meanwhile: try again after the next sign-in
      throw e
    })
  return loading
}

/** Forgets the labels (on sign-out), so the next user loads them afresh. */
export function resetLabels() {
  loading = null
}

const pick = (l: Labels | undefined, fallback: string) => (l ? (i18n.global.locale.value === 'en' ? l.en : l.zh) : fallback)

/** The label of `value` in dictionary `code`, in the UI's language; the value itself until loaded. */
export function label(code: string, value: string | null | undefined): string {
  if (value == null || value === '') return ''
  return pick(state.dict[code]?.[value], value)
}

export const roleLabel = (v: string | null | undefined) => label('role', v)
/** Observation status: final → 正式, provisional → 初步. */
export const statusLabel = (v: string | null | undefined) => label('observation_status', v)
/** Filing workflow action: save/submit/approve/return/reopen → 保存/上报/审核通过/退回/重新打开. */
export const actionLabel = (v: string | null | undefined) => label('filing_action', v)
export const filingStateLabel = (v: string | null | undefined) => label('filing_state', v)
/** A plan's name from its id (`jx-14fyp` → 江西省“十四五”数字经济发展规划). */
export const planName = (id: string | null | undefined) => (id ? pick(state.plans[id], id) : '')
