"""What is printed or downloaded: route sheets, PDF, SVG maps, spreadsheets."""
