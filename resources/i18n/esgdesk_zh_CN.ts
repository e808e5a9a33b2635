<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DetailPane</name>
    <message>
        <location filename="../../ui/detail_pane.py" line="59"/>
        <source>Label (zh)</source>
        <translation>名称（中文）</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="59"/>
        <source>Label (en)</source>
        <translation>名称（英文）</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="59"/>
        <source>Id</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="60"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="60"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="60"/>
        <source>Owner</source>
        <translation>负责部门</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="61"/>
        <source>GRI</source>
        <translation>GRI</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="61"/>
        <source>CASS-ESG 5.0</source>
        <translation>CASS-ESG 5.0</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="62"/>
        <source>Formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="62"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="66"/>
        <source>Note / explanation</source>
        <translation>备注 / 说明</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="67"/>
        <source>Save note</source>
        <translation>保存备注</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="68"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="69"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="69"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="69"/>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../../ui/detail_pane.py" line="70"/>
        <source>Why</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ExportOptionsDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="62"/>
        <source>Export options</source>
        <translation>导出选项</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="64"/>
        <source>A sheet comparing the entity with its {n} direct children</source>
        <translation>对比本主体与其 {n} 个直接下级主体的工作表</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="66"/>
        <source>One sheet per direct child with all the tables</source>
        <translation>每个直接下级主体一张工作表（含全部表格）</translation>
    </message>
</context>
<context>
    <name>FindDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="100"/>
        <source>Find an indicator</source>
        <translation>查找指标</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="104"/>
        <source>Words of a label (中文 or English) or an id</source>
        <translation>输入指标名称中的词语（中文或英文）或编号</translation>
    </message>
</context>
<context>
    <name>FindingsPanel</name>
    <message>
        <location filename="../../ui/findings_panel.py" line="52"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="52"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="53"/>
        <source>Info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="62"/>
        <source>All severities</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="65"/>
        <source>Explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="67"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="74"/>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="74"/>
        <source>Entity</source>
        <translation>主体</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="74"/>
        <source>Finding</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="100"/>
        <source>explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../ui/findings_panel.py" line="112"/>
        <source>{errors} errors · {warnings} warnings · {info} info</source>
        <translation>{errors} 个错误 · {warnings} 个警告 · {info} 个提示</translation>
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
        <location filename="../../ui/table_model.py" line="142"/>
        <source>explained</source>
        <translation>已说明</translation>
    </message>
    <message>
        <location filename="../../ui/table_model.py" line="158"/>
        <source>This cell cannot be edited</source>
        <translation>此单元格不可编辑</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="179"/>
        <source>Entity</source>
        <translation>主体</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="180"/>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="181"/>
        <source>My department first</source>
        <translation>本部门优先</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="182"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="182"/>
        <source>Filled</source>
        <translation>已填</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="183"/>
        <source>Open a database: File → Open, or File → Open sample</source>
        <translation>请打开数据库：文件 → 打开，或 文件 → 打开示例</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="184"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="185"/>
        <source>&amp;New database…</source>
        <translation>新建数据库(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="186"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="187"/>
        <source>Open &amp;sample</source>
        <translation>打开示例(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="188"/>
        <source>Recent files</source>
        <translation>最近打开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="189"/>
        <source>&amp;Export report workbook…</source>
        <translation>导出报告工作簿(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="190"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="191"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="192"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="193"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="194"/>
        <source>&amp;Find indicator…</source>
        <translation>查找指标(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="195"/>
        <source>&amp;Profile…</source>
        <translation>个人资料(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="196"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="199"/>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="200"/>
        <source>Findings</source>
        <translation>校验结果</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="226"/>
        <source>All changes are saved</source>
        <translation>所有更改均已保存</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="245"/>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="246"/>
        <source>esgdesk databases (*.db);;All files (*)</source>
        <translation>esgdesk 数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="269"/>
        <source>New database</source>
        <translation>新建数据库</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="270"/>
        <source>esgdesk databases (*.db)</source>
        <translation>esgdesk 数据库 (*.db)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="293"/>
        <source>Export report workbook</source>
        <translation>导出报告工作簿</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="294"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="304"/>
        <source>Writing the report workbook…</source>
        <translation>正在写入报告工作簿…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="304"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="324"/>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="389"/>
        <source>My tables: {department}</source>
        <translation>我的表格：{department}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="521"/>
        <source>Saved {time}</source>
        <translation>已保存 {time}</translation>
    </message>
</context>
<context>
    <name>NewDatabaseDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="79"/>
        <source>New database</source>
        <translation>新建数据库</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="86"/>
        <source>code, 中文名, English name, kind, parent</source>
        <translation>代码, 中文名, English name, 类型, 上级</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="87"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="88"/>
        <source>First reporting year</source>
        <translation>首个报告年度</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="89"/>
        <source>Entities (code, 中文名, English name, kind, parent)</source>
        <translation>主体（代码, 中文名, English name, 类型, 上级）</translation>
    </message>
</context>
<context>
    <name>ProfileDialog</name>
    <message>
        <location filename="../../ui/dialogs.py" line="41"/>
        <source>Profile</source>
        <translation>个人资料</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="49"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs.py" line="50"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
</context>
</TS>
