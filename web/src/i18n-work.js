// Texts of 待办, notices, 催报, bulk review and the filing checks (issue 16), merged into the
// shared messages on import so these pages do not edit the shared file.
import { addMessages } from './i18n.js'

addMessages({
  work: {
    menu: ['待办', 'To-do'], title: ['待办事项', 'To-do'], review: ['待审核', 'To review'], returned: ['已退回', 'Returned'],
    overdue: ['已逾期', 'Overdue'], notices: ['通知', 'Notices'], unread: ['未读通知', 'Unread notices'],
    none: ['暂无待办', 'Nothing to do'],
    kind: { review: ['待审核', 'to review'], returned: ['已退回', 'returned'], overdue: ['已逾期', 'overdue'], },
    noticeKind: { returned: ['退回', 'returned'], reopened: ['重新打开', 'reopened'], remind: ['催报', 'reminder'], },
    from: ['发送人', 'From'], at: ['时间', 'At'], read: ['标记已读', 'Mark read'], isRead: ['已读', 'read'],
    bulkApprove: ['批量审核通过', 'Approve selected'], bulkConfirm: ['确认审核通过以下 {n} 份填报？', 'Approve these {n} filings?'],
    bulkTitle: ['批量审核', 'Bulk review'], bulkDone: ['审核通过 {ok} 份，失败 {failed} 份', '{ok} approved, {failed} failed'],
    remind: ['催报', 'Remind'], reminded: ['已催报：{name}（{form} {period}）', 'Reminded {name} ({form} {period})'],
    since: ['时间', 'Since'], open: ['打开', 'Open'],
    action: {
      save: ['保存', 'saved'], submit: ['上报', 'submitted'], approve: ['审核通过', 'approved'], return: ['退回', 'returned'],
      reopen: ['重新打开', 'reopened'], withdraw: ['撤回', 'withdrew'],
    },
    withdraw: ['撤回上报', 'Withdraw'],
    withdrawConfirm: ['撤回后填报回到草稿，可修改后重新上报。确认撤回？', 'The filing goes back to a draft you can correct and submit again. Withdraw?'],
    withdrawn: ['已撤回，可修改后重新上报', 'Withdrawn: correct it and submit again'], submitTitle: ['确认上报', 'Submit'],
    submitConfirm: ['上报后数据将锁定，等待审核。确认上报？', 'The values are locked for review once submitted. Submit?'],
    submitWarnings: ['以下提示请核对（不阻止上报）：', 'Please check (these do not block):'],
    submitted: ['已上报，等待审核', 'Submitted for review'], approved: ['已审核通过', 'Approved'],
    returnedDone: ['已退回，填报单位将收到通知', 'Returned; the filer is notified'], reopened: ['已重新打开', 'Reopened'],
    savedSummary: ['已保存：新增 {created} 项，修改 {updated} 项，未变 {unchanged} 项', 'Saved: {created} new, {updated} changed, {unchanged} unchanged'],
    nothingToSave: ['没有需要保存的修改', 'Nothing to save'], checkTitle: ['保存前请核对', 'Check before saving'],
    checkConfirm: ['以下数值偏离较大或未通过提示性规则，确认无误后保存：', 'These values are far from the usual or fail a warning rule; save if they are right:'],
    saveAnyway: ['确认保存', 'Save'], back: ['返回修改', 'Back to editing'],
    notNumber: ['请输入数字（不含千位分隔符、单位或 %）', 'Enter a number (no thousands separators, units or %)'],
    tooManyDecimals: ['最多 {d} 位小数', 'At most {d} decimal place(s)'],
    fixCells: ['请修改标红的单元格后再保存', 'Correct the cells marked red, then save'], previousOf: ['上期值（{p}）', 'Previous ({p})'],
    outlier: ['异常值提示', 'Outlier'], confirm: ['确认', 'Confirm'], cancel: ['取消', 'Cancel'],
    comment: ['退回原因', 'Reason for return'],
  },
})
