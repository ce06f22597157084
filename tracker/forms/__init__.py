"""The Excel forms a unit fills each period (workbook: the writer) and the demo data filled in through them."""
