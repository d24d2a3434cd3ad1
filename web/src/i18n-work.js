// Texts of 待办, notices, 催报, bulk review and the filing checks (issue 16), merged into the
// shared messages on import so these pages do not edit the shared file.
import { i18n } from './i18n.js'

i18n.global.mergeLocaleMessage('zh', {
  work: {
    menu: '待办', title: '待办事项', review: '待审核', returned: '已退回', overdue: '已逾期', notices: '通知', unread: '未读通知',
    none: '暂无待办', kind: { review: '待审核', returned: '已退回', overdue: '已逾期' },
    noticeKind: { returned: '退回', reopened: '重新打开', remind: '催报' }, from: '发送人', at: '时间', read: '标记已读', isRead: '已读',
    bulkApprove: '批量审核通过', bulkConfirm: '确认审核通过以下 {n} 份填报？', bulkTitle: '批量审核', bulkDone: '审核通过 {ok} 份，失败 {failed} 份',
    remind: '催报', reminded: '已催报：{name}（{form} {period}）', since: '时间', open: '打开',
    action: { save: '保存', submit: '上报', approve: '审核通过', return: '退回', reopen: '重新打开', withdraw: '撤回' },
    withdraw: '撤回上报', withdrawConfirm: '撤回后填报回到草稿，可修改后重新上报。确认撤回？', withdrawn: '已撤回，可修改后重新上报',
    submitTitle: '确认上报', submitConfirm: '上报后数据将锁定，等待审核。确认上报？', submitWarnings: '以下提示请核对（不阻止上报）：',
    submitted: '已上报，等待审核', approved: '已审核通过', returnedDone: '已退回，填报单位将收到通知', reopened: '已重新打开',
    savedSummary: '已保存：新增 {created} 项，修改 {updated} 项，未变 {unchanged} 项', nothingToSave: '没有需要保存的修改',
    checkTitle: '保存前请核对', checkConfirm: '以下数值偏离较大或未通过提示性规则，确认无误后保存：', saveAnyway: '确认保存', back: '返回修改',
    notNumber: '请输入数字（不含千位分隔符、单位或 %）', tooManyDecimals: '最多 {d} 位小数', fixCells: '请修改标红的单元格后再保存',
    previousOf: '上期值（{p}）', outlier: '异常值提示', confirm: '确认', cancel: '取消', comment: '退回原因',
  },
})
i18n.global.mergeLocaleMessage('en', {
  work: {
    menu: 'To-do', title: 'To-do', review: 'To review', returned: 'Returned', overdue: 'Overdue', notices: 'Notices', unread: 'Unread notices',
    none: 'Nothing to do', kind: { review: 'to review', returned: 'returned', overdue: 'overdue' },
    noticeKind: { returned: 'returned', reopened: 'reopened', remind: 'reminder' }, from: 'From', at: 'At', read: 'Mark read', isRead: 'read',
    bulkApprove: 'Approve selected', bulkConfirm: 'Approve these {n} filings?', bulkTitle: 'Bulk review', bulkDone: '{ok} approved, {failed} failed',
    remind: 'Remind', reminded: 'Reminded {name} ({form} {period})', since: 'Since', open: 'Open',
    action: { save: 'saved', submit: 'submitted', approve: 'approved', return: 'returned', reopen: 'reopened', withdraw: 'withdrew' },
    withdraw: 'Withdraw', withdrawConfirm: 'The filing goes back to a draft you can correct and submit again. Withdraw?', withdrawn: 'Withdrawn: correct it and submit again',
    submitTitle: 'Submit', submitConfirm: 'The values are locked for review once submitted. Submit?', submitWarnings: 'Please check (these do not block):',
    submitted: 'Submitted for review', approved: 'Approved', returnedDone: 'Returned; the filer is notified', reopened: 'Reopened',
    savedSummary: 'Saved: {created} new, {updated} changed, {unchanged} unchanged', nothingToSave: 'Nothing to save',
    checkTitle: 'Check before saving', checkConfirm: 'These values are far from the usual or fail a warning rule; save if they are right:', saveAnyway: 'Save', back: 'Back to editing',
    notNumber: 'Enter a number (no thousands separators, units or %)', tooManyDecimals: 'At most {d} decimal place(s)', fixCells: 'Correct the cells marked red, then save',
    previousOf: 'Previous ({p})', outlier: 'Outlier', confirm: 'Confirm', cancel: 'Cancel', comment: 'Reason for return',
  },
})
