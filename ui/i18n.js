// UI strings in English and Chinese. Data labels come from the graph (rdfs:label @en / @zh).
const STRINGS = {
  en: {
    'skip': 'Skip to content',
    'nav.query': 'Query', 'nav.network': 'Network', 'nav.map': 'Map', 'nav.timeline': 'Timeline', 'nav.report': 'Reports',
    'lang.other': '中文',
    'home.title': 'Sister cities and foreign affairs of Beijing',
    'home.intro': 'A knowledge graph built from the Beijing Foreign Affairs Office’s progress report of June 2024. Every fact links to the sentence it comes from.',
    'home.start': 'Where to start',
    'home.query': 'Ask one of the stored questions, or write your own SPARQL.',
    'home.network': 'Who is linked to whom: the report’s ties, agreements and events, and the Wikidata twin-city network.',
    'home.map': 'Places and their ties on a world map.',
    'home.timeline': 'Events and agreements over time, by task and by country.',
    'home.report': 'The reports: the one held whole with every extracted fact linked inline, the excerpts as their facts and spans.',
    'home.beijing': 'Or open a place page, e.g. Beijing.',
    'home.stats': 'In the graph',
    'query.title': 'Query', 'query.gallery': 'Stored questions', 'query.run': 'Run', 'query.hint': 'Ctrl+Enter runs the query',
    'query.rows': '{n} rows in {ms} ms', 'query.truncated': 'cut at the row limit', 'query.permalink': 'Permalink',
    'query.download': 'Download', 'query.editor': 'SPARQL query', 'query.running': 'Running…', 'query.error': 'The query failed',
    'query.noresults': 'No rows.', 'query.ask': 'Answer: {v}', 'query.row': 'A row is', 'query.home': 'Home city:',
    'net.title': 'Network', 'net.size': 'Node size', 'net.colour': 'Colour', 'net.degree': 'degree', 'net.pagerank': 'PageRank',
    'net.country': 'country', 'net.community': 'community', 'net.kinds': 'Edge kinds', 'net.tie': 'tie', 'net.agreement': 'agreement', 'net.event': 'event',
    'net.years': 'Years', 'net.sources': 'Sources', 'net.report': 'the report', 'net.wikidata': 'Wikidata',
    'net.scope': 'Show', 'net.neighbourhood': 'Beijing’s neighbourhood', 'net.whole': 'whole network', 'net.fit': 'Fit',
    'net.loading': 'Computing the layout…', 'net.shown': '{n} nodes, {e} links shown',
    'net.help': 'Drag to pan, wheel or +/− to zoom, arrow keys to pan, click a node to open its page.',
    'net.table': 'The same data as a table', 'net.tablecap': 'Nodes shown, most connected first (first {n})',
    'net.node': 'Node', 'net.links': 'links', 'net.undated': 'incl. undated', 'net.alt': 'Network of places linked by ties, agreements and events; the table below lists the same nodes.',
    'map.title': 'Map', 'map.alt': 'World map of places and their ties; the table below lists the same data.', 'map.help': 'Drag to pan, wheel or +/− to zoom, click a place to open its page.',
    'map.places': 'Places', 'map.ties': 'Links', 'map.lat': 'Latitude', 'map.lon': 'Longitude', 'map.from': 'From', 'map.to': 'To', 'map.kind': 'Kind', 'map.year': 'Year',
    'map.nocoords': 'Wikidata places without coordinates are not drawn.',
    'tl.title': 'Timeline', 'tl.group': 'Group by', 'tl.task': 'task', 'tl.country': 'country', 'tl.report': 'report', 'tl.home': 'home city', 'tl.noreport': 'No report', 'tl.nohome': 'No home city', 'tl.events': 'events', 'tl.agreements': 'agreements',
    'tl.derived': 'faded: date derived from the report period', 'tl.notask': 'No task', 'tl.nocountry': 'No foreign country named', 'tl.when': 'When',
    'res.facts': 'Facts about it', 'res.links': 'What links here', 'res.source': 'Source', 'res.open': 'Show in the report', 'res.formats': 'Also as',
    'res.notfound': 'The graph has nothing about this resource.', 'res.metrics': 'Network metrics', 'res.ties': 'Friendship ties', 'res.agreements': 'Agreements',
    'res.events': 'Events', 'res.parts': 'Places within it', 'res.other': 'Other links', 'res.since': 'since {y}', 'res.property': 'Property', 'res.value': 'Value',
    'res.onmap': 'Network page',
    'rep.title': 'Report', 'rep.facts': '{n} facts extracted', 'rep.source': 'published page', 'rep.excerpt': 'Excerpt: the project holds part of the published text, so its lists and counts may be incomplete.', 'rep.spans': 'The project keeps this report as its facts and the short span of each sentence that states them (the full text stays with its publisher; follow the link). Each span shows its paragraph and sentence number.', 'rep.undated': 'publication date not stated',
    'reps.title': 'Reports', 'reps.help': 'Every report in the graph, each its own named graph. A report held whole shows its text; an excerpt kept as facts and spans links to its published page.', 'reps.report': 'Report', 'reps.home': 'Home city', 'reps.date': 'Published', 'reps.period': 'Period', 'reps.completeness': 'Held', 'reps.facts': 'Facts', 'reps.source': 'Source', 'reps.excerpt': 'excerpt (facts and spans)', 'reps.complete': 'complete text', 'reps.kept': 'text in data/reports/', 'rep.help': 'Each marked sentence is a passage; the numbered links after it are the facts derived from it. Quoted words are highlighted.',
    'search.label': 'Search', 'search.placeholder': 'Search places, events, passages…', 'search.button': 'Search',
    'search.title': 'Search', 'search.results': '{n} results for “{q}”', 'search.one': '1 result for “{q}”', 'search.none': 'Nothing found for “{q}”.',
    'search.empty': 'Type a name or words from the report in the search box above.', 'search.failed': 'The search failed: {m}',
    'search.nomatch': 'No matches', 'search.unavailable': 'Search is unavailable', 'search.partof': 'part of {p}', 'search.score': 'score {s}',
    'search.all': 'All results for “{q}”', 'search.kind': 'Kind', 'search.help': '↓/↑ choose, Enter opens, Esc closes',
    'kinds.Place': 'Places', 'kinds.Event': 'Events', 'kinds.Agreement': 'Agreements', 'kinds.FriendshipTie': 'Friendship ties', 'kinds.Passage': 'Report passages',
    'kinds.Report': 'Reports', 'kinds.Organisation': 'Organisations', 'kinds.Department': 'Departments', 'kinds.Person': 'People', 'kinds.Task': 'Tasks',
    'kinds.Project': 'Projects', 'kinds.Document': 'Documents', 'kinds.WikidataPlace': 'Wikidata places', 'kinds.Resource': 'Other',
    'kind.Place': 'Place', 'kind.Event': 'Event', 'kind.Agreement': 'Agreement', 'kind.FriendshipTie': 'Friendship tie', 'kind.Passage': 'Report passage',
    'kind.Report': 'Report', 'kind.Organisation': 'Organisation', 'kind.Department': 'Department', 'kind.Person': 'Person', 'kind.Task': 'Task',
    'kind.Project': 'Project', 'kind.Document': 'Document', 'kind.WikidataPlace': 'Wikidata place', 'kind.Resource': 'Other',
    'dl.csv': 'CSV', 'dl.json': 'JSON', 'dl.tsv': 'TSV',
  },
  zh: {
    'skip': '跳到正文',
    'nav.query': '查询', 'nav.network': '关系网络', 'nav.map': '地图', 'nav.timeline': '时间线', 'nav.report': '报告',
    'lang.other': 'EN',
    'home.title': '北京的友好城市与外事活动',
    'home.intro': '根据北京市人民政府外事办公室2024年6月的进展报告构建的知识图谱。每条事实都链接到其来源句子。',
    'home.start': '从这里开始',
    'home.query': '运行预设问题,或编写自己的SPARQL查询。',
    'home.network': '谁与谁有联系:报告中的友好关系、协议和活动,以及维基数据友城网络。',
    'home.map': '世界地图上的地点及其关系。',
    'home.timeline': '按任务和国家分组的活动与协议时间线。',
    'home.report': '各份报告:全文收录的报告在文中链接所有提取的事实,节选以事实和片段呈现。',
    'home.beijing': '或打开一个地点页面,例如北京。',
    'home.stats': '图谱内容',
    'query.title': '查询', 'query.gallery': '预设问题', 'query.run': '运行', 'query.hint': 'Ctrl+Enter 运行查询',
    'query.rows': '{n} 行,用时 {ms} 毫秒', 'query.truncated': '已达到行数上限', 'query.permalink': '永久链接',
    'query.download': '下载', 'query.editor': 'SPARQL 查询', 'query.running': '运行中…', 'query.error': '查询失败',
    'query.noresults': '没有结果。', 'query.ask': '结果:{v}', 'query.row': '每行表示', 'query.home': '本市:',
    'net.title': '关系网络', 'net.size': '节点大小', 'net.colour': '颜色', 'net.degree': '度', 'net.pagerank': 'PageRank',
    'net.country': '国家', 'net.community': '社群', 'net.kinds': '关系类型', 'net.tie': '友好关系', 'net.agreement': '协议', 'net.event': '活动',
    'net.years': '年份', 'net.sources': '来源', 'net.report': '报告', 'net.wikidata': '维基数据',
    'net.scope': '显示', 'net.neighbourhood': '北京的邻域', 'net.whole': '整个网络', 'net.fit': '适应窗口',
    'net.loading': '正在计算布局…', 'net.shown': '显示 {n} 个节点、{e} 条关系',
    'net.help': '拖动平移,滚轮或 +/− 缩放,方向键平移,点击节点打开其页面。',
    'net.table': '以表格显示相同数据', 'net.tablecap': '当前显示的节点,按关系数排序(前 {n} 个)',
    'net.node': '节点', 'net.links': '关系数', 'net.undated': '含无日期', 'net.alt': '由友好关系、协议和活动连接的地点网络;下表列出相同的节点。',
    'map.title': '地图', 'map.alt': '地点及其关系的世界地图;下表列出相同数据。', 'map.help': '拖动平移,滚轮或 +/− 缩放,点击地点打开其页面。',
    'map.places': '地点', 'map.ties': '关系', 'map.lat': '纬度', 'map.lon': '经度', 'map.from': '从', 'map.to': '到', 'map.kind': '类型', 'map.year': '年份',
    'map.nocoords': '没有坐标的维基数据地点未绘制。',
    'tl.title': '时间线', 'tl.group': '分组', 'tl.task': '任务', 'tl.country': '国家', 'tl.report': '报告', 'tl.home': '所属城市', 'tl.noreport': '无报告', 'tl.nohome': '无所属城市', 'tl.events': '活动', 'tl.agreements': '协议',
    'tl.derived': '浅色:日期由报告期间推定', 'tl.notask': '无任务', 'tl.nocountry': '未提及外国', 'tl.when': '时间',
    'res.facts': '相关事实', 'res.links': '指向此处的链接', 'res.source': '来源', 'res.open': '在报告中查看', 'res.formats': '其他格式',
    'res.notfound': '图谱中没有关于此资源的内容。', 'res.metrics': '网络指标', 'res.ties': '友好关系', 'res.agreements': '协议',
    'res.events': '活动', 'res.parts': '下辖地点', 'res.other': '其他链接', 'res.since': '自 {y} 年', 'res.property': '属性', 'res.value': '值',
    'res.onmap': '关系网络页面',
    'rep.title': '报告', 'rep.facts': '提取了 {n} 条事实', 'rep.source': '原文页面', 'rep.excerpt': '节选:本项目只收录了原文的一部分,其中的名单和数量可能不全。', 'rep.spans': '本项目只保存这份报告的事实及每句中陈述事实的短片段(全文请见发布方页面,点击链接)。每个片段标有段号和句号。', 'rep.undated': '未注明发布日期',
    'reps.title': '报告', 'reps.help': '图谱中的全部报告,每份各自为一个命名图。全文收录的报告显示原文;以事实和片段收录的节选链接到原文页面。', 'reps.report': '报告', 'reps.home': '所属城市', 'reps.date': '发布日期', 'reps.period': '时期', 'reps.completeness': '收录', 'reps.facts': '事实', 'reps.source': '来源', 'reps.excerpt': '节选(事实与片段)', 'reps.complete': '全文', 'reps.kept': '全文在 data/reports/', 'rep.help': '每个标记的句子是一个段落;其后带编号的链接是由该句提取的事实。引用的词语以高亮显示。',
    'search.label': '搜索', 'search.placeholder': '搜索地点、活动、报告段落…', 'search.button': '搜索',
    'search.title': '搜索', 'search.results': '“{q}”的搜索结果:{n} 条', 'search.one': '“{q}”的搜索结果:1 条', 'search.none': '没有找到与“{q}”相关的内容。',
    'search.empty': '请在上方搜索框中输入名称或报告中的词语。', 'search.failed': '搜索失败:{m}',
    'search.nomatch': '没有匹配项', 'search.unavailable': '搜索暂不可用', 'search.partof': '属于{p}', 'search.score': '得分 {s}',
    'search.all': '“{q}”的全部结果', 'search.kind': '类型', 'search.help': '↓/↑ 选择,回车打开,Esc 关闭',
    'kinds.Place': '地点', 'kinds.Event': '活动', 'kinds.Agreement': '协议', 'kinds.FriendshipTie': '友好关系', 'kinds.Passage': '报告段落',
    'kinds.Report': '报告', 'kinds.Organisation': '机构', 'kinds.Department': '部门', 'kinds.Person': '人物', 'kinds.Task': '任务',
    'kinds.Project': '项目', 'kinds.Document': '文件', 'kinds.WikidataPlace': '维基数据地点', 'kinds.Resource': '其他',
    'kind.Place': '地点', 'kind.Event': '活动', 'kind.Agreement': '协议', 'kind.FriendshipTie': '友好关系', 'kind.Passage': '报告段落',
    'kind.Report': '报告', 'kind.Organisation': '机构', 'kind.Department': '部门', 'kind.Person': '人物', 'kind.Task': '任务',
    'kind.Project': '项目', 'kind.Document': '文件', 'kind.WikidataPlace': '维基数据地点', 'kind.Resource': '其他',
    'dl.csv': 'CSV', 'dl.json': 'JSON', 'dl.tsv': 'TSV',
  },
};

let current = 'en';

export function setLang(lang) { current = lang === 'zh' ? 'zh' : 'en'; }
export function lang() { return current; }

/** The UI string `key` in the current language, with `{name}` placeholders filled in. */
export function t(key, vars = {}) {
  const s = (STRINGS[current] && STRINGS[current][key]) || STRINGS.en[key] || key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Translates every element carrying `data-i18n` (its text), `data-i18n-placeholder` or
 * `data-i18n-title` (those attributes) under `root`. */
export function translateDom(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(el.dataset.i18nTitle));
}
