// Review actions shared by the 填报 page's review list and the 待办 page: one confirmation (the
// filings listed, every name escaped) and one summary of the outcomes, so both pages say the same.
import { ElMessageBox } from 'element-plus'
import { bulkAct } from './api'
import { tr as t } from './i18n.js'

/// Text for an HTML message box: unit and form names come from the data, never trusted as markup.
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string)
export const listHtml = (items: string[]) => `<ul class="check-list">${items.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`

export interface ReviewRow { form_code: string; filer_code: string; filer_name: string; period: string }

/// Ask, then approve every row (each filing its own transaction on the server). Returns the
/// summary to show, or null when the user cancelled.
export async function bulkApprove(rows: ReviewRow[]): Promise<{ type: 'success' | 'warning'; text: string } | null> {
  const list = rows.map((r) => `${r.form_code} · ${r.filer_name} · ${r.period}`)
  try {
    await ElMessageBox.confirm(`<p>${escapeHtml(t('work.bulkConfirm', { n: rows.length }))}</p>${listHtml(list)}`, t('work.bulkTitle'), {
      dangerouslyUseHTMLString: true, confirmButtonText: t('work.confirm'), cancelButtonText: t('work.cancel'), type: 'warning', customClass: 'bulk-dialog',
    })
  } catch {
    return null
  }
  const r = await bulkAct('approve', rows.map((x) => ({ form: x.form_code, filer: x.filer_code, period: x.period })))
  const failures = r.results.filter((x) => !x.ok).map((x) => `${x.filer} ${x.period}: ${x.message}`)
  return { type: r.failed ? 'warning' : 'success', text: [t('work.bulkDone', { ok: r.succeeded, failed: r.failed }), ...failures].join('；') }
}
