<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DashboardPanel</name>
    <message>
        <location filename="../../ui/collection.py" line="277"/>
        <source>Entity</source>
        <translation>主体</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="277"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="277"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="277"/>
        <source>Due</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="278"/>
        <source>Assignee</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="278"/>
        <source>Filled</source>
        <translation>已填</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="278"/>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="278"/>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="279"/>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="280"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="281"/>
        <source>Send back…</source>
        <translation>退回…</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="282"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="298"/>
        <source>requested</source>
        <translation>已发起</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="298"/>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="299"/>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="299"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="300"/>
        <source> (late)</source>
        <translation>（逾期）</translation>
    </message>
    <message>
        <location filename="../../ui/dashboard.py" line="78"/>
        <source> (sent back: {reason})</source>
        <translation>（已退回：{reason}）</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="318"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="319"/>
        <source>Why is it sent back or unlocked?</source>
        <translation>退回或解锁的原因？</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <location filename="../../ui/detail_pane.py" line="65"/>
        <source>Label (zh)</source>
        <translation>名称（中文）</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="65"/>
        <source>Label (en)</source>
        <translation>名称（英文）</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="65"/>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="66"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="66"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="66"/>
        <source>Owner</source>
        <translation>负责部门</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="67"/>
        <source>GRI</source>
        <translation>GRI</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="67"/>
        <source>CASS-ESG 5.0</source>
        <translation>CASS-ESG 5.0</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="68"/>
        <source>Formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="68"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="69"/>
        <source>Restated</source>
        <translation>重述</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="69"/>
        <source>Last year's explanation</source>
        <translation>上年说明</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="124"/>
        <source>Obtained</source>
        <translation>取得方式</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="124"/>
        <source>Evidence</source>
        <translation>证明文件</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="140"/>
        <source>Save how obtained</source>
        <translation>保存取得方式</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="141"/>
        <source>An estimate's method</source>
        <translation>估算方法</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="124"/>
        <source>Required, none attached: drop a file here</source>
        <translation>必须附证明文件，尚未附上：把文件拖到这里</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="73"/>
        <source>Note / explanation</source>
        <translation>备注 / 说明</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="74"/>
        <source>Save note</source>
        <translation>保存备注</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="75"/>
        <source>Reuse last year's</source>
        <translation>沿用上年说明</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="76"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="77"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="77"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="77"/>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="78"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="106"/>
        <source>published: {published} ({why})</source>
        <translation>原披露：{published}（{why}）</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="1"/>
        <source>No figures held in any year</source>
        <translation>各年度均无数据</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="1"/>
        <source>{change} % on {prior}</source>
        <translation>较 {prior} 年 {change} %</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="1"/>
        <source>flagged beyond ±{threshold} %</source>
        <translation>超出 ±{threshold} % 将被标记</translation>
    </message>
</context>
<context>
    <name>ExportOptionsDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="63"/>
        <source>Export options</source>
        <translation>导出选项</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="65"/>
        <source>A sheet comparing the entity with its {n} direct children</source>
        <translation>对比本主体与其 {n} 个直接下级主体的工作表</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="67"/>
        <source>One sheet per direct child with all the tables</source>
        <translation>每个直接下级主体一张工作表（含全部表格）</translation>
    </message>
</context>
<context>
    <name>FindDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="125"/>
        <source>Find an indicator</source>
        <translation>查找指标</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="129"/>
        <source>Words of a label (Chinese or English) or an id</source>
        <translation>输入指标名称中的词语（中文或英文）或编号</translation>
    </message>
    <message>
        <source>Nothing matches “{words}”</source>
        <translation>没有与“{words}”匹配的指标</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <location filename="../../ui/findings_panel.py" line="113"/>
        <source>Assurance marks</source>
        <translation>核查结论</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="66"/>
        <source>All severities</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="69"/>
        <source>Explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="71"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="78"/>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="78"/>
        <source>Entity</source>
        <translation>主体</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="78"/>
        <source>Finding</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>{n} error</source>
        <translation>{n} 个错误</translation>
    </message>
    <message>
        <source>{n} errors</source>
        <translation>{n} 个错误</translation>
    </message>
    <message>
        <source>{n} warning</source>
        <translation>{n} 个警告</translation>
    </message>
    <message>
        <source>{n} warnings</source>
        <translation>{n} 个警告</translation>
    </message>
    <message>
        <source>{n} info</source>
        <translation>{n} 条提示</translation>
    </message>
</context>
<context>
    <name>FormTableModel</name>
    <message>
        <location filename="../../ui/table_model.py" line="60"/>
        <source>Prior year: for reference, not editable</source>
        <translation>往年：仅供参考，不可编辑</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="133"/>
        <source>Computed: {formula}</source>
        <translation>计算得出：{formula}</translation>
    </message>
    <message>
        <source>Read only: your role on the server may not change it</source>
        <translation>只读：您在服务器上的角色无权修改</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="135"/>
        <source>Locked: cannot be changed</source>
        <translation>已锁定：不可修改</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="137"/>
        <source>Prior year: for reference</source>
        <translation>往年：仅供参考</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="143"/>
        <source>Restated ({why}); published: {published}</source>
        <translation>已重述（{why}），原披露：{published}</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="147"/>
        <source>Last year's explanation: {note}</source>
        <translation>上年说明：{note}</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="149"/>
        <source>explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="165"/>
        <source>This cell cannot be edited</source>
        <translation>此单元格不可编辑</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="1"/>
        <source>{label}: “{text}” is not accepted: {reason}</source>
        <translation>{label}：“{text}”不能接受：{reason}</translation>
    </message>
    <message>
        <source>Supplied by {department}</source>
        <translation>由{department}填报</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../ui/collection.py" line="144"/>
        <source>Import returned workbooks</source>
        <translation>导入回收的填报工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="147"/>
        <source>Reading the returned workbooks…</source>
        <translation>正在读取回收的工作簿…</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="148"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="173"/>
        <source>Accept ticked files</source>
        <translation>接受勾选的文件</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="183"/>
        <source>{file}: {new} new, {changed} changed, {unchanged} unchanged; {errors}, {warnings}</source>
        <translation>{file}：新增 {new}，变更 {changed}，未变 {unchanged}；{errors}，{warnings}</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="204"/>
        <source>new</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="204"/>
        <source>changed</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="209"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="209"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="210"/>
        <source>Info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="212"/>
        <source>explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="228"/>
        <source>{file}: {n} figures were changed in the database after the file was saved. Overwrite them?</source>
        <translation>{file}：有 {n} 项数据在文件保存后已在数据库中修改。是否覆盖？</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/database_actions.py" line="234"/>
        <source>Checking the audit chain… {percent}% · {seconds} s</source>
        <translation>正在检查审计链…{percent}% · {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../ui/database_actions.py" line="236"/>
        <source>Checking the file… {seconds} s</source>
        <translation>正在检查数据库文件…{seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="241"/>
        <source>Validating…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="242"/>
        <source>My department first</source>
        <translation>本部门优先</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="243"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="243"/>
        <source>Filled</source>
        <translation>已填</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="244"/>
        <source>Open a database: File → Open, or File → Open sample</source>
        <translation>请打开数据库：文件 → 打开，或 文件 → 打开示例</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="245"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="246"/>
        <source>&amp;New database…</source>
        <translation>新建数据库(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="247"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="248"/>
        <source>Open &amp;sample</source>
        <translation>打开示例(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="249"/>
        <source>Recent files</source>
        <translation>最近打开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="250"/>
        <source>&amp;Export report workbook…</source>
        <translation>导出报告工作簿(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="251"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="252"/>
        <source>&amp;Collection</source>
        <translation>数据收集(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="253"/>
        <source>Open &amp;request workbook…</source>
        <translation>打开填报工作簿(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="254"/>
        <source>&amp;Submit request…</source>
        <translation>提交填报(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="255"/>
        <source>&amp;Make data requests…</source>
        <translation>发起数据收集(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="256"/>
        <source>&amp;Import returned workbooks…</source>
        <translation>导入回收的工作簿(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="257"/>
        <source>Collection status</source>
        <translation>收集进度</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="260"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="261"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="262"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="263"/>
        <source>&amp;Find indicator…</source>
        <translation>查找指标(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="264"/>
        <source>&amp;Restate published figure…</source>
        <translation>重述已披露数据(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="265"/>
        <source>&amp;Profile…</source>
        <translation>个人资料(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="266"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About esgdesk</source>
        <translation>关于 esgdesk(&amp;A)</translation>
    </message>
    <message>
        <source>About esgdesk</source>
        <translation>关于 esgdesk</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="269"/>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="270"/>
        <source>Findings</source>
        <translation>校验结果</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="302"/>
        <source>All changes are saved</source>
        <translation>所有更改均已保存</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="329"/>
        <source>Restore the latest backup, {backup}? The damaged file is kept beside it.</source>
        <translation>是否恢复最近的备份 {backup}？损坏的文件将保留在其旁边。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="341"/>
        <source>Restored from {backup}</source>
        <translation>已从 {backup} 恢复</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="354"/>
        <source>The automatic backup failed: {why}</source>
        <translation>自动备份失败：{why}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="401"/>
        <source>Warning: this database was edited outside esgdesk. The audit log is broken at row {row}; its history cannot be trusted from there on.</source>
        <translation>警告：此数据库曾在 esgdesk 之外被修改。审计日志在第 {row} 行断裂，此后的历史记录不可信。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="432"/>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="433"/>
        <source>esgdesk databases (*.db);;All files (*)</source>
        <translation>esgdesk 数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="456"/>
        <source>New database</source>
        <translation>新建数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="457"/>
        <source>esgdesk databases (*.db)</source>
        <translation>esgdesk 数据库 (*.db)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="480"/>
        <source>Export report workbook</source>
        <translation>导出报告工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="481"/>
        <location filename="../../ui/main_window.py" line="871"/>
        <location filename="../../ui/main_window.py" line="910"/>
        <location filename="../../ui/main_window.py" line="947"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="491"/>
        <source>Writing the report workbook…</source>
        <translation>正在写入报告工作簿…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="492"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="502"/>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="569"/>
        <source>My tables: {department}</source>
        <translation>我的表格：{department}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="692"/>
        <source>Validation failed: {why}</source>
        <translation>校验未完成：{why}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="737"/>
        <source>Took {who}'s figure</source>
        <translation>已采用 {who} 的数据</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="750"/>
        <source>Saved {time}</source>
        <translation>已保存 {time}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="764"/>
        <source>Select a locked (published) figure to restate; other figures are simply changed in the form.</source>
        <translation>请选择一个已锁定（已披露）的数据进行重述；其他数据可直接在表单中修改。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="792"/>
        <source>{who} changed this figure to {theirs} at {when}, after you opened it.
Keep your {mine}, or take {theirs}?</source>
        <translation>{who} 在您打开后于 {when} 将此数据改为 {theirs}。
保留您的 {mine}，还是采用 {theirs}？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="796"/>
        <source>Keep mine</source>
        <translation>保留我的</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="797"/>
        <source>Take theirs</source>
        <translation>采用对方的</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="870"/>
        <source>Open request workbook</source>
        <translation>打开填报工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="884"/>
        <source>Request for {department}: fill in the white cells, then Collection → Submit request</source>
        <translation>{department} 的填报：请填写白色单元格，然后选择 数据收集 → 提交填报</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="908"/>
        <source>Submit request</source>
        <translation>提交填报</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="919"/>
        <source>Saved into {file}; send it back to the coordinator</source>
        <translation>已保存到 {file}，请发回给协调人</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="935"/>
        <source>{n} request workbooks written</source>
        <translation>已生成 {n} 个填报工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="946"/>
        <source>Import returned workbooks</source>
        <translation>导入回收的填报工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="967"/>
        <source>{n} figures imported</source>
        <translation>已导入 {n} 项数据</translation>
    </message>
    <message>
        <location filename="../../ui/scope_bar.py" line="1"/>
        <source>E&amp;ntity</source>
        <translation>主体(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/scope_bar.py" line="1"/>
        <source>&amp;Year</source>
        <translation>年度(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>Info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>{severity}: {message}</source>
        <translation>{severity}：{message}</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="1"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/editing.py" line="1"/>
        <source>&amp;Undo {change}</source>
        <translation>撤销 {change}(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/editing.py" line="1"/>
        <source>&amp;Redo {change}</source>
        <translation>重做 {change}(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>&amp;Entity…</source>
        <translation>主体(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>&amp;Year…</source>
        <translation>年度(&amp;Y)…</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>&amp;Previous year</source>
        <translation>上一年度(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>&amp;Next year</source>
        <translation>下一年度(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>Next &amp;empty or flagged cell</source>
        <translation>下一个空白或有问题的单元格(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>Next &amp;pane</source>
        <translation>下一个窗格(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>Previous p&amp;ane</source>
        <translation>上一个窗格(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>&amp;Details pane</source>
        <translation>详细信息窗格(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/shortcuts.py" line="1"/>
        <source>Every figure of this chapter is filled and without open findings</source>
        <translation>本章所有数据均已填写，且没有未处理的问题</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1"/>
        <source>That was the chapter's last figure: F8 finds the next empty or flagged cell, Ctrl+1…6 opens another chapter</source>
        <translation>这是本章最后一个数据：按 F8 转到下一个空白或有问题的单元格，按 Ctrl+1…6 打开其他章节</translation>
    </message>
    <message>
        <source>{n} figure changed by another user</source>
        <translation>其他用户修改了 {n} 项数据</translation>
    </message>
    <message>
        <source>{n} figures changed by another user</source>
        <translation>其他用户修改了 {n} 项数据</translation>
    </message>
    <message>
        <source>{n} request workbook written</source>
        <translation>已生成 {n} 个填报工作簿</translation>
    </message>
    <message>
        <source>{n} figure imported</source>
        <translation>已导入 {n} 项数据</translation>
    </message>
    <message>
        <source>{n} error</source>
        <translation>{n} 个错误</translation>
    </message>
    <message>
        <source>{n} errors</source>
        <translation>{n} 个错误</translation>
    </message>
    <message>
        <source>{n} open warning</source>
        <translation>{n} 个待处理警告</translation>
    </message>
    <message>
        <source>{n} open warnings</source>
        <translation>{n} 个待处理警告</translation>
    </message>
    <message>
        <source>; {n} figure newer in the database</source>
        <translation>；数据库中有 {n} 项更新的数据</translation>
    </message>
    <message>
        <source>; {n} figures newer in the database</source>
        <translation>；数据库中有 {n} 项更新的数据</translation>
    </message>
    <message>
        <source>F8 went back to the chapter's top: nothing to fill below</source>
        <translation>F8 已回到本章开头：下方没有待填的单元格</translation>
    </message>
    <message>
        <source>Add entity</source>
        <translation>新增主体</translation>
    </message>
    <message>
        <source>Chinese name</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <source>English name</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>上级</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省份</translation>
    </message>
    <message>
        <source>Counts from</source>
        <translation>纳入起始年份</translation>
    </message>
    <message>
        <source>Group structure</source>
        <translation>组织结构</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Years</source>
        <translation>纳入年份</translation>
    </message>
    <message>
        <source>Equity share</source>
        <translation>股权比例</translation>
    </message>
    <message>
        <source>Control</source>
        <translation>运营控制权</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Move…</source>
        <translation>移动…</translation>
    </message>
    <message>
        <source>Close…</source>
        <translation>关闭…</translation>
    </message>
    <message>
        <source>Export workbook…</source>
        <translation>导出工作簿…</translation>
    </message>
    <message>
        <source>Import workbook…</source>
        <translation>导入工作簿…</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>From the year</source>
        <translation>自哪一年起</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Closed or sold from the year (nothing is expected from then; its history stays)</source>
        <translation>自哪一年起关闭或出售（此后不再收集其数据；历史数据保留）</translation>
    </message>
    <message>
        <source>Restate as a change of boundary</source>
        <translation>以边界变更重述</translation>
    </message>
    <message>
        <source>Reason for the restatement</source>
        <translation>重述原因</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>&amp;Group structure…</source>
        <translation>组织结构(&amp;G)…</translation>
    </message>
</context>
<context>
    <name>NewDatabaseDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="104"/>
        <source>New database</source>
        <translation>新建数据库</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="111"/>
        <source>code, Chinese name, English name, kind, parent</source>
        <translation>代码, 中文名, 英文名, 类型, 上级</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="112"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="113"/>
        <source>First reporting year</source>
        <translation>首个报告年度</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="114"/>
        <source>Entities (code, Chinese name, English name, kind, parent)</source>
        <translation>主体（代码, 中文名, 英文名, 类型, 上级）</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="42"/>
        <source>Profile</source>
        <translation>个人资料</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="50"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="51"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
</context>
<context>
    <name>RequestsDialog</name>
    <message>
        <location filename="../../ui/collection.py" line="68"/>
        <source>Make data requests</source>
        <translation>发起数据收集</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="92"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="97"/>
        <source>Reporting year</source>
        <translation>报告年度</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="98"/>
        <source>Entities</source>
        <translation>主体</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="99"/>
        <source>Departments</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="100"/>
        <source>Assignee</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="101"/>
        <source>Due</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="102"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="110"/>
        <source>Folder for the workbooks</source>
        <translation>工作簿保存文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="126"/>
        <source>Writing the request workbooks…</source>
        <translation>正在生成填报工作簿…</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="127"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>RestateDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="83"/>
        <source>Restate a published figure</source>
        <translation>重述已披露数据</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="90"/>
        <source>Figure</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="91"/>
        <source>Published</source>
        <translation>原披露</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="92"/>
        <source>New figure</source>
        <translation>新数据</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="93"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="94"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>SubmitDialog</name>
    <message>
        <location filename="../../ui/collection.py" line="336"/>
        <source>Submit request</source>
        <translation>提交填报</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="339"/>
        <source>Write a copy instead of updating {file}</source>
        <translation>另存副本，不修改 {file}</translation>
    </message>
    <message>
        <location filename="../../ui/collection.py" line="341"/>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Export catalogue for editing</source>
        <translation>导出指标目录以供编辑</translation>
    </message>
    <message>
        <source>Import edited catalogue</source>
        <translation>导入已编辑的指标目录</translation>
    </message>
    <message>
        <source>The {year} catalogue was updated from {name}</source>
        <translation>已按 {name} 更新 {year} 年指标目录</translation>
    </message>
    <message>
        <source>{name} cannot be imported: {n} problem. Nothing was changed.</source>
        <translation>{name} 无法导入：有 {n} 个问题。未作任何更改。</translation>
    </message>
    <message>
        <source>{name} cannot be imported: {n} problems. Nothing was changed.</source>
        <translation>{name} 无法导入：有 {n} 个问题。未作任何更改。</translation>
    </message>
    <message>
        <source>{name} is the same as this year's catalogue: nothing to change.</source>
        <translation>{name} 与本年度指标目录相同，无需更改。</translation>
    </message>
    <message>
        <source>{name} changes this year's catalogue as follows:</source>
        <translation>{name} 将对本年度指标目录作如下更改：</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Framework coverage</source>
        <translation>披露框架覆盖情况</translation>
    </message>
    <message>
        <source>Only what is not covered</source>
        <translation>只看未覆盖的</translation>
    </message>
    <message>
        <source>Framework</source>
        <translation>披露框架</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Disclosure</source>
        <translation>披露项</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>{covered} covered, {empty} collected but empty, {missing} not covered, of {total}</source>
        <translation>共 {total} 项：已覆盖 {covered}，已收集但尚无数据 {empty}，未覆盖 {missing}</translation>
    </message>
    <message>
        <source>(wording not verified)</source>
        <translation>（措辞未经核实）</translation>
    </message>
    <message>
        <source>Ca&amp;talogue</source>
        <translation>指标目录(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Export catalogue for editing…</source>
        <translation>导出指标目录以供编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Import edited catalogue…</source>
        <translation>导入已编辑的指标目录(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Open the next reporting year</source>
        <translation>开启下一报告年度(&amp;O)</translation>
    </message>
    <message>
        <source>Framework &amp;coverage…</source>
        <translation>披露框架覆盖情况(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Add from a template…</source>
        <translation>从模板添加(&amp;A)…</translation>
    </message>
    <message>
        <source>Add from a template</source>
        <translation>从模板添加</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>No template offers a block.</source>
        <translation>没有模板提供可添加的模块。</translation>
    </message>
    <message>
        <source>This block cannot be added. Nothing was changed.</source>
        <translation>无法添加该模块。未作任何更改。</translation>
    </message>
    <message>
        <source>This year's catalogue has this block already: nothing to change.</source>
        <translation>本年度指标目录已包含该模块，无需更改。</translation>
    </message>
    <message>
        <source>Adding this block changes this year's catalogue as follows:</source>
        <translation>添加该模块将对本年度指标目录作如下更改：</translation>
    </message>
    <message>
        <source>The {year} catalogue now has the block {block}</source>
        <translation>{year} 年度指标目录已添加模块 {block}</translation>
    </message>
    <message>
        <location filename="../../ui/structure_dialog.py" line="36"/>
        <source>Group</source>
        <translation>集团</translation>
    </message>
    <message>
        <location filename="../../ui/structure_dialog.py" line="36"/>
        <source>Site</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../ui/structure_dialog.py" line="36"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>none for this year</source>
        <translation>本年度没有</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Connect to &amp;server…</source>
        <translation>连接服务器(&amp;S)…</translation>
    </message>
    <message>
        <source>Connect to server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <source>Server database URL (postgresql://user@host:port/database).
The password comes from your ~/.pgpass or service file; esgdesk never stores it.</source>
        <translation>服务器数据库地址（postgresql://用户@主机:端口/数据库）。
密码来自您的 ~/.pgpass 或服务文件；esgdesk 从不保存密码。</translation>
    </message>
    <message>
        <source>coordinator</source>
        <translation>协调人</translation>
    </message>
    <message>
        <source>contributor</source>
        <translation>填报人</translation>
    </message>
    <message>
        <source>reader</source>
        <translation>只读</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
</context>
</TS>
