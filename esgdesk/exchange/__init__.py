"""Exchange: workbooks in and out (the report, data requests, returned files)."""
