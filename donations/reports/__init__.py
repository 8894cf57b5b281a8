"""Reports: the figures (`data`), the PDFs (`pdf`) and the CSV exports (`csv_export`)."""
