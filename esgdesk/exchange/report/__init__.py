"""The report workbook, written by kind of sheet: page (a sheet laid out), base (what every
sheet reads and how a page is written), cover, tables, indexes, factors, findings, data, and
writer (the sheets in order). esgdesk.exchange.export is its front door."""
