"""Leadership briefings (HTML, inline SVG, PDF): presentation built from the service layer."""
