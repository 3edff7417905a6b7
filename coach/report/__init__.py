"""The report for a doctor: its blocks, built from the diary, and their Markdown, HTML and PDF
renderings with the weekly chart. fpdf2 and matplotlib load only when a PDF or chart is made."""
